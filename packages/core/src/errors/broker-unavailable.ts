/*
 * BrokerUnavailable: what dispatch rejects with when a driver cannot take a message now
 * (disconnected with a full outbox, or breaker open with no room to buffer). Lives in core so that
 * producers can catch it without importing a driver.
 */
import { WarrenError, type WarrenErrorOptions } from './warren-error.js';

/** The broker cannot take the message now and it was not buffered. Retryable. */
export class BrokerUnavailable extends WarrenError<'WARREN_ERR_DRIVER_UNAVAILABLE'> {
  constructor(message: string, options: WarrenErrorOptions = {}) {
    super('WARREN_ERR_DRIVER_UNAVAILABLE', message, options);
    this.name = 'BrokerUnavailable';
  }
}
