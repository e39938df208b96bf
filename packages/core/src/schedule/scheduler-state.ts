/*
 * The lifecycle of one pipeline's scheduler (pipeline-scheduler.ts), as a spec and a transition table.
 *   idle      constructed; not in the election yet.                                      → standby | closed
 *   standby   entered by start(): in the election, another process (or nobody yet) holds it.  → leading | closed
 *   leading   entered when the lease is acquired: missed ticks caught up, timers armed.  → standby | closed
 *   closed    terminal: timers cancelled, lease released (it passes to another process).
 */

/** States of a pipeline's scheduler. */
export type SchedulerState = 'idle' | 'standby' | 'leading' | 'closed';

/** Legal moves: from → the states it may go to next. */
export const SCHEDULER_TRANSITIONS: Readonly<Record<SchedulerState, readonly SchedulerState[]>> = {
  idle: ['standby', 'closed'],
  standby: ['leading', 'closed'],
  leading: ['standby', 'closed'],
  closed: [],
};

/** Whether a scheduler may move from `from` to `to`. */
export function canSchedulerTransition(from: SchedulerState, to: SchedulerState): boolean {
  return SCHEDULER_TRANSITIONS[from].includes(to);
}
