/*
 * Transient: thrown by a handler when a dependency it needs is down (a database, a payment API). It is retried
 * like any failure, and it is what a consumption breaker counts (as is any error whose `retryable` is true).
 */
import { WarrenError, type WarrenErrorOptions } from './warren-error.js';

/** Throw (or subclass) from a handler when the failure is the outage of something it depends on. */
export class Transient extends WarrenError<'WARREN_ERR_JOB_TRANSIENT'> {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super('WARREN_ERR_JOB_TRANSIENT', message, options);
    this.name = 'Transient';
  }
}
