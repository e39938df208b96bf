/*
 * Options of a consumption breaker, as the config schema (jobs.pipelines.<p>.breaker) and @Job({ breaker }) resolve
 * them: durations in ms, every default applied. No logic.
 */

/** A consumption breaker's thresholds and pauses. */
export interface ResolvedBreakerOptions {
  /** Fraction (0..1) of counted attempts in the window that failed transiently at which it opens. */
  readonly failureRate: number;
  /** Counted attempts needed in the window before the rate is judged. */
  readonly minJobs: number;
  readonly windowMs: number;
  /** How long it stays open the first time. */
  readonly pauseMs: number;
  /** The longest pause after repeated failed trials (each one doubles it). */
  readonly maxPauseMs: number;
}

/** The defaults: 50% of at least 20 attempts within 10s opens it for 30s, growing to at most 5m. */
export const BREAKER_DEFAULTS: ResolvedBreakerOptions = {
  failureRate: 0.5, minJobs: 20, windowMs: 10_000, pauseMs: 30_000, maxPauseMs: 300_000,
};
