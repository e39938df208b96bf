/*
 * Unrecoverable: thrown by a handler to skip the remaining attempts and dead-letter at once.
 * Subclass it for domain errors that retrying cannot fix.
 */
import { WarrenError, type WarrenErrorOptions } from './warren-error.js';

/** Throw (or subclass) from a handler to dead-letter the job now, with reason `unrecoverable`. */
export class Unrecoverable extends WarrenError<'WARREN_ERR_JOB_UNRECOVERABLE'> {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super('WARREN_ERR_JOB_UNRECOVERABLE', message, options);
    this.name = 'Unrecoverable';
  }
}
