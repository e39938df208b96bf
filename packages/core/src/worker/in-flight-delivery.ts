/*
 * InFlightDelivery: one delivery held by a worker, settled at most once. After the worker gives up on
 * it at shutdown (abandon: requeued), a late ack or requeue from the job is ignored.
 *   queued → running → settled, and any unsettled phase → abandoned.
 */
import type { Delivery } from '../driver/driver.js';

export type InFlightPhase = 'queued' | 'running' | 'settled' | 'abandoned';

export class InFlightDelivery {
  phase: InFlightPhase = 'queued';
  /** Set when the attempt starts; aborted on timeout or forced shutdown. */
  controller: AbortController | undefined;

  constructor(readonly delivery: Delivery) {}

  get isSettled(): boolean {
    return this.phase === 'settled' || this.phase === 'abandoned';
  }

  /** Acks unless already settled or abandoned; returns whether it acked. */
  ack(): boolean {
    if (this.isSettled) return false;
    this.phase = 'settled';
    this.delivery.ack();
    return true;
  }

  /** Requeues unless already settled or abandoned; returns whether it requeued. */
  requeue(): boolean {
    if (this.isSettled) return false;
    this.phase = 'settled';
    this.delivery.requeue();
    return true;
  }

  /** Shutdown gave up waiting: abort the attempt and requeue; whatever the job does later is ignored. */
  abandon(reason: unknown): void {
    if (this.isSettled) return;
    this.phase = 'abandoned';
    this.controller?.abort(reason);
    this.delivery.requeue();
  }
}
