/*
 * DeliveryLost: the reason a running job's ctx.signal is aborted with when the transport lost its delivery (the
 * channel that delivered it closed: a broker restart, a network cut, a channel error). The broker redelivers the
 * message, so this attempt's outcome is ignored: stop work promptly; nothing the handler returns is acted on.
 */
import { WarrenError, type WarrenErrorOptions } from './warren-error.js';

/** ctx.signal's abort reason when the delivery was lost; `reason` is always `delivery-lost`. */
export class DeliveryLost extends WarrenError<'WARREN_ERR_WORKER_DELIVERY_LOST'> {
  readonly reason = 'delivery-lost' as const;

  constructor(message: string, options: WarrenErrorOptions = {}) {
    super('WARREN_ERR_WORKER_DELIVERY_LOST', message, options);
    this.name = 'DeliveryLost';
  }
}
