/*
 * ConsumptionBreaker: stops a pipeline (or one job) from taking work while what its handlers depend on is down.
 * Counts handled attempts (FailureWindow), opens when transient failures pass the threshold, waits `pause`, lets one
 * trial through (half-open) and closes on its success or opens again with the pause doubled up to `maxPause`.
 * States and moves in breaker-state.ts. Decides only; the worker pauses and resumes the driver (breaker-gate.ts).
 *
 * Why not opossum, whose state machine the amqp driver's broker breaker uses: core may not depend on opossum (it is
 * driver-independent and knows no library of a driver), opossum wraps calls it makes itself (here the runtime runs the job and only reports
 * its outcome), its reset timeout does not grow after a failed trial, and its half-open admits whichever call comes
 * next rather than exactly one trial the runtime picks. The rolling window and the three states are small enough to
 * own, and owning them keeps every timer in the worker's TimerSet (cancelled at stop).
 */
import { WarrenError } from '../errors/warren-error.js';
import type { OwnedTimer, TimerSet } from '../worker/timer-set.js';
import { canBreakerTransition, type ConsumptionBreakerState } from './breaker-state.js';
import { FailureWindow } from './failure-window.js';
import type { ResolvedBreakerOptions } from './breaker-options.js';

/** What a transition reports to the owner (logs, events, the driver's pause/resume). */
export interface BreakerTransition {
  readonly from: ConsumptionBreakerState;
  readonly to: ConsumptionBreakerState;
  /** Transient-failure rate of the window when it opened (0..1); undefined for other moves. */
  readonly failureRate: number | undefined;
  /** How long it stays open (set when `to` is open). */
  readonly pauseMs: number | undefined;
  readonly reason: string;
}

export interface ConsumptionBreakerOptions extends ResolvedBreakerOptions {
  /** What the breaker guards, for messages: `pipeline "emails"` or `job "emails.welcome"`. */
  readonly subject: string;
  readonly timers: TimerSet;
  readonly onTransition: (transition: BreakerTransition) => void;
  /** Clock in ms; tests pass a fake one. Default Date.now. */
  readonly now?: () => number;
}

/** A trial token: the breaker only takes the outcome of the attempt it admitted as the trial. */
export type TrialToken = object;

export class ConsumptionBreaker {
  #state: ConsumptionBreakerState = 'closed';
  readonly #options: ConsumptionBreakerOptions;
  readonly #window: FailureWindow;
  readonly #now: () => number;
  #pauseMs: number;
  #pauseTimer: OwnedTimer | undefined;
  /** When the current pause ends (epoch ms); 0 when not open. */
  #halfOpenAtMs = 0;
  /** The attempt admitted as the half-open trial, until its outcome (or its end without one) is reported. */
  #trial: TrialToken | undefined;

  constructor(options: ConsumptionBreakerOptions) {
    this.#options = options;
    this.#window = new FailureWindow(options);
    this.#now = options.now ?? Date.now;
    this.#pauseMs = options.pauseMs;
  }

  get state(): ConsumptionBreakerState {
    return this.#state;
  }

  /** The pause the next opening would use (grows after failed trials, back to `pause` on close). */
  get nextPauseMs(): number {
    return this.#pauseMs;
  }

  /** Time left (ms) until an open breaker lets a trial through; 0 when not open. */
  remainingPauseMs(): number {
    return this.#state === 'open' ? Math.max(0, this.#halfOpenAtMs - this.#now()) : 0;
  }

  /**
   * Whether an attempt may start now. Closed: yes. Open: no. Half-open: yes for one trial at a time; `token`
   * identifies it, so only its outcome decides.
   */
  admit(token: TrialToken): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open' || this.#trial !== undefined) return false;
    this.#trial = token;
    return true;
  }

  /**
   * The outcome of a handled attempt. `counts`: false for failures that say nothing about a dependency
   * (Unrecoverable, plain errors): they are neither failures nor successes here.
   */
  record(token: TrialToken, outcome: 'success' | 'transient-failure' | 'other-failure'): void {
    if (this.#state === 'closed') {
      if (outcome === 'other-failure') return;
      if (this.#window.record(outcome === 'transient-failure', this.#now())) {
        this.#open(this.#window.failureRate, `transient failures reached ${Math.round(this.#window.failureRate * 100)}% of ${this.#window.size} attempts`);
      }
      return;
    }
    // Open, or half-open with another attempt's outcome: attempts that started before the breaker opened finish
    // in their own time and say nothing new.
    if (this.#state !== 'halfOpen' || token !== this.#trial) return;
    this.#trial = undefined;
    if (outcome === 'success') {
      this.#pauseMs = this.#options.pauseMs;
      this.#window.reset();
      this.#transition({ to: 'closed', failureRate: undefined, pauseMs: undefined, reason: 'the trial job succeeded' });
    } else if (outcome === 'transient-failure') {
      this.#pauseMs = Math.min(this.#pauseMs * 2, this.#options.maxPauseMs);
      this.#open(undefined, 'the trial job failed');
    }
    // other-failure: the trial said nothing about the dependency; the next delivery is the trial.
  }

  /** The attempt `token` ended without an outcome (requeued, lost, never decoded): another may be the trial. */
  release(token: TrialToken): void {
    if (this.#trial === token) this.#trial = undefined;
  }

  /** Cancels the pause timer (the worker stops). */
  close(): void {
    this.#pauseTimer?.cancel();
    this.#pauseTimer = undefined;
  }

  #open(failureRate: number | undefined, reason: string): void {
    const pauseMs = this.#pauseMs;
    this.#halfOpenAtMs = this.#now() + pauseMs;
    this.#transition({ to: 'open', failureRate, pauseMs, reason });
    this.#pauseTimer = this.#options.timers.schedule(pauseMs, () => {
      this.#pauseTimer = undefined;
      if (this.#state === 'open') this.#transition({ to: 'halfOpen', failureRate: undefined, pauseMs: undefined, reason: `paused for ${pauseMs}ms` });
    });
  }

  #transition(move: Omit<BreakerTransition, 'from'>): void {
    const from = this.#state;
    if (!canBreakerTransition(from, move.to)) {
      throw new WarrenError('WARREN_ERR_WORKER_BREAKER_ILLEGAL_STATE', `the breaker of ${this.#options.subject} cannot move from ${from} to ${move.to} (${move.reason})`, {
        details: { subject: this.#options.subject, from, to: move.to },
      });
    }
    this.#state = move.to;
    this.#options.onTransition({ from, ...move });
  }
}
