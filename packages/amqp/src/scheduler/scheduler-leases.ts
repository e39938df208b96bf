/*
 * SchedulerLeases: the scheduler leases one amqp driver has opened (one per pipeline with schedules, per Warren
 * run), attached to every fresh consume session and released when the driver closes. Owns no connection.
 */
import type { Logger, OpenSchedulerLeaseOptions } from '@warren/core';
import type { ConnectionSession } from '../connection/connection-session.js';
import { AmqpSchedulerLease, type AmqpSchedulerLeaseOptions } from './amqp-scheduler-lease.js';

/** A held token is a delivery left unacked: renew it well within consumer_timeout, at least every 10 minutes. */
export function renewEveryMs(consumerTimeoutMs: number): number {
  return Math.min(10 * 60_000, consumerTimeoutMs > 0 ? Math.floor(consumerTimeoutMs / 3) : Number.POSITIVE_INFINITY);
}

export class SchedulerLeases {
  readonly #leases = new Set<AmqpSchedulerLease>();

  constructor(private readonly shared: Pick<AmqpSchedulerLeaseOptions, 'publish' | 'renewEveryMs'> & { readonly logger: Logger }) {}

  /** A new lease for `pipeline` (queue `queue`), attached at once when `session` is ready for it. */
  async open(pipeline: string, queue: string, options: OpenSchedulerLeaseOptions, session: ConnectionSession | undefined): Promise<AmqpSchedulerLease> {
    const lease = new AmqpSchedulerLease({
      ...this.shared, pipeline, queue, holder: options.holder, jobs: options.holder.schedules.map((schedule) => schedule.job),
    });
    this.#leases.add(lease);
    if (session) await lease.attach(session);
    return lease;
  }

  /** A fresh consume session: every lease joins its election again (each retries by itself). */
  attachAll(session: ConnectionSession): void {
    for (const lease of this.#leases) void lease.attach(session);
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.#leases].map((lease) => lease.release()));
  }
}
