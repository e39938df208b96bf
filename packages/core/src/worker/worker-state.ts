/*
 * The lifecycle of a PipelineWorker, as a spec and a transition table (pure, no I/O).
 *   initialized  constructed; nothing subscribed.                          → running
 *   running      entered by start(): consuming, running up to `concurrency` jobs.  → stopping | failed
 *   stopping     entered by stop(): cancelling the consumer; locally queued deliveries are requeued. → draining
 *   draining     waiting (up to the stop timeout) for in-flight jobs; then aborts and requeues the rest. → stopped
 *   stopped      terminal: nothing in flight, no timers, no consumer.
 *   failed       terminal: the driver refused the subscription at start().
 */
import type { WorkerState } from '../events/warren-events.js';

export type { WorkerState } from '../events/warren-events.js';

/** Legal moves: from → the states it may go to next. */
export const WORKER_TRANSITIONS: Readonly<Record<WorkerState, readonly WorkerState[]>> = {
  initialized: ['running'],
  running: ['stopping', 'failed'],
  stopping: ['draining'],
  draining: ['stopped'],
  stopped: [],
  failed: [],
};

/** Whether a worker may move from `from` to `to`. */
export function canTransition(from: WorkerState, to: WorkerState): boolean {
  return WORKER_TRANSITIONS[from].includes(to);
}
