/*
 * InFlightDelivery: one delivery held by a worker, settled at most once. After the worker gives up on
 * it at shutdown (abandoned: requeued), a late ack or requeue from its attempt is ignored.
 *   queued     received; waiting for a concurrency slot.                → running | settled | abandoned
 *   running    entered by start(): being decoded and run.               → settled | abandoned
 *   settled    terminal: acked, or requeued by the worker.
 *   abandoned  terminal: requeued by a stop that gave up waiting; the attempt's signal is aborted.
 *   lost       terminal: the transport lost the delivery (its channel closed; the broker redelivers it). Not settled
 *              by us at all; a running attempt's signal is aborted and its outcome ignored.
 * Per-message, so it emits no events (events are not for the per-message path); it only guards its own moves.
 */
import type { Delivery } from '../driver/driver.js';
import { WarrenError } from '../errors/warren-error.js';
import type { ProcessSpan } from '../tracing/process-span.js';
import type { JobDefinition } from '../job/job-definition.js';
import { AttemptAbort } from './attempt-abort.js';

/** Where one held delivery is in its short life. */
export type InFlightState = 'queued' | 'running' | 'settled' | 'abandoned' | 'lost';

/** Legal moves of an InFlightDelivery: from → the states it may go to next. */
export const IN_FLIGHT_TRANSITIONS: Readonly<Record<InFlightState, readonly InFlightState[]>> = {
  queued: ['running', 'settled', 'abandoned', 'lost'],
  running: ['settled', 'abandoned', 'lost'],
  settled: [],
  abandoned: [],
  lost: [],
};

/** A delivery a worker holds, with the abort side of its attempt. */
export class InFlightDelivery {
  #state: InFlightState = 'queued';
  /** Aborted on timeout (by the attempt) or when the delivery is abandoned at shutdown. */
  readonly attemptAbort = new AttemptAbort();
  /** Its place in the worker's HeldDeliveries (-1: not held); only held-deliveries.ts writes it. */
  heldIndex = -1;
  /** The consumer span of its attempt when tracing (set once decoded); the worker ends it when it lets go. */
  trace: ProcessSpan | undefined;
  /** The job it decoded to, once decoded (breakers route its outcome by it). */
  definition: JobDefinition | undefined;

  constructor(readonly delivery: Delivery) {}

  /** The attempt's AbortController, created on first access (already aborted if the attempt was). */
  get controller(): AbortController {
    return this.attemptAbort.controller;
  }

  get state(): InFlightState {
    return this.#state;
  }

  /** True once acked, requeued, abandoned or lost: nothing may settle it again. */
  get isSettled(): boolean {
    return this.#state === 'settled' || this.#state === 'abandoned' || this.#state === 'lost';
  }

  /** A concurrency slot took it. Throws WARREN_ERR_WORKER_ILLEGAL_STATE unless it was queued. */
  start(): void {
    this.#transition('running');
  }

  /** Acks unless already settled or abandoned; returns whether it acked. */
  ack(): boolean {
    if (this.isSettled) return false;
    this.#transition('settled');
    this.delivery.ack();
    return true;
  }

  /** Requeues unless already settled or abandoned; returns whether it requeued. */
  requeue(): boolean {
    if (this.isSettled) return false;
    this.#transition('settled');
    this.delivery.requeue();
    return true;
  }

  /** Shutdown gave up waiting: abort the attempt and requeue; whatever the job does later is ignored. */
  abandon(reason: unknown): void {
    if (this.isSettled) return;
    this.#transition('abandoned');
    this.attemptAbort.abort(reason);
    this.delivery.requeue();
  }

  /** The transport lost it: nothing is sent for it; a running attempt is aborted with `reason` and its result ignored. */
  lose(reason: unknown): void {
    if (this.isSettled) return;
    this.#transition('lost');
    this.attemptAbort.abort(reason);
  }

  #transition(to: InFlightState): void {
    const from = this.#state;
    if (!IN_FLIGHT_TRANSITIONS[from].includes(to)) {
      throw new WarrenError('WARREN_ERR_WORKER_ILLEGAL_STATE', `a held delivery cannot move from ${from} to ${to}`, {
        details: { id: this.delivery.properties.messageId, from, to },
      });
    }
    this.#state = to;
  }
}
