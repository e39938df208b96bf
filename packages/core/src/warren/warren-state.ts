/*
 * Lifecycle of a Warren instance.
 *   ready    — after fromConfig(): drivers started, can dispatch; not consuming.
 *   running  — run() started one worker per consumed pipeline.
 *   stopping — stop() is draining the workers.
 *   stopped  — workers drained; can dispatch, may run() again.
 *   closing  — close()/forceClose(): workers stopped, drivers closing (flushing outboxes).
 *   closed   — terminal; dispatch and run fail with WARREN_ERR_WORKER_CLOSED.
 */

export type WarrenState = 'ready' | 'running' | 'stopping' | 'stopped' | 'closing' | 'closed';

export const WARREN_TRANSITIONS: Readonly<Record<WarrenState, readonly WarrenState[]>> = {
  ready: ['running', 'closing'],
  running: ['stopping', 'closing'],
  stopping: ['stopped', 'closing'],
  stopped: ['running', 'closing'],
  closing: ['closed'],
  closed: [],
};

export function canWarrenTransition(from: WarrenState, to: WarrenState): boolean {
  return WARREN_TRANSITIONS[from].includes(to);
}
