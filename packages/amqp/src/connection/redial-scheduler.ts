/*
 * RedialScheduler: when the next redial happens. Owns the redial timer (the schedule step with jitter, from
 * RedialTracker) and the reachability probe, which may pull that one pending redial forward once the broker
 * port accepts TCP again. Never adds redials of its own. Does not dial and knows no states: the connection
 * manager passes `redial` and `canRedialEarly`, and counts outcomes in the tracker.
 */
import { TimerSet, type OwnedTimer } from '@warren/core';
import type { Logger } from '@warren/core';
import { ReachabilityProbe, type PortCheck } from './reachability-probe.js';
import type { RedialTracker } from './redial-tracker.js';

export interface RedialSchedulerOptions {
  /** amqp.redial.probe_interval; 0 = no probe. */
  readonly probeIntervalMs: number;
  readonly tracker: RedialTracker;
  readonly logger: Logger;
  /** The URL the next redial dials (the probe checks its host:port). */
  readonly target: () => string;
  /** Makes the redial (when its step is over, or pulled forward by the probe). */
  readonly redial: () => void;
  /** Whether the pending redial may be made early now (e.g. not while the breaker is open). */
  readonly canRedialEarly: () => boolean;
  /** Replaces the probe's TCP check (tests). */
  readonly check?: PortCheck;
}

export class RedialScheduler {
  readonly #options: RedialSchedulerOptions;
  readonly #timers = new TimerSet();
  readonly #probe: ReachabilityProbe;
  #pending: OwnedTimer | undefined;

  constructor(options: RedialSchedulerOptions) {
    this.#options = options;
    this.#probe = new ReachabilityProbe({
      intervalMs: options.probeIntervalMs, target: options.target, check: options.check, onReachable: () => this.#redialEarly(), logger: options.logger,
    });
  }

  /** Arms the next redial after the current schedule step and probes meanwhile; returns the delay. */
  schedule(): number {
    const delayMs = this.#options.tracker.nextDelayMs();
    this.#pending?.cancel();
    this.#pending = this.#timers.schedule(delayMs, () => this.#fire(false));
    this.#probe.start();
    return delayMs;
  }

  /** The connection is ready again: cancel what is pending and stop probing (the next outage starts afresh). */
  stop(): void {
    this.#pending?.cancel();
    this.#pending = undefined;
    this.#probe.stop();
  }

  /** Closed or failed for good: nothing fires or probes any more. */
  close(): void {
    this.stop();
    this.#probe.close();
    this.#timers.close();
  }

  #fire(isProbeTriggered: boolean): void {
    this.#pending = undefined;
    this.#options.tracker.recordRedial();
    this.#probe.recordRedial(isProbeTriggered);
    this.#options.redial();
  }

  #redialEarly(): void {
    if (!this.#pending || !this.#options.canRedialEarly()) return; // dialing or set up already: nothing to pull forward
    this.#pending.cancel();
    this.#options.logger.info({ event: 'amqp.redial.probe' }, 'the broker port accepts connections again; redialing now');
    this.#fire(true);
  }
}
