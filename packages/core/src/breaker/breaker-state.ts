/*
 * The consumption breaker's states as a spec and a transition table (pure, no I/O).
 *   closed    entered at start and after a successful trial: every delivery runs; handled attempts are counted
 *             in the rolling window.                                                        → open
 *   open      entered when the window's transient-failure rate reaches failure_rate over at least min_jobs
 *             attempts, or when the trial failed: no delivery starts (the driver pauses consumption, waiting
 *             ones are requeued without counting an attempt); after the pause → halfOpen. → halfOpen
 *   halfOpen  one trial job may start; its success closes the breaker, its failure opens it again with the
 *             pause doubled up to max_pause. A trial that ends without a result (requeued, lost) lets
 *             another one start.                                                            → closed | open
 */

/** State of one consumption breaker (a pipeline's, or a job's own). */
export type ConsumptionBreakerState = 'closed' | 'open' | 'halfOpen';

/** Legal moves: from → the states it may go to next. */
export const CONSUMPTION_BREAKER_TRANSITIONS: Readonly<Record<ConsumptionBreakerState, readonly ConsumptionBreakerState[]>> = {
  closed: ['open'],
  open: ['halfOpen'],
  halfOpen: ['closed', 'open'],
};

/** Whether a breaker may move from `from` to `to`. */
export function canBreakerTransition(from: ConsumptionBreakerState, to: ConsumptionBreakerState): boolean {
  return CONSUMPTION_BREAKER_TRANSITIONS[from].includes(to);
}
