/*
 * CronClock: the tick times of one schedule, in epoch milliseconds, computed by croner in the schedule's
 * time zone. Pure computation: starts no timer (the pipeline scheduler owns its timers).
 */
import { Cron } from 'croner';

/** The tick times of one cron expression. */
export class CronClock {
  readonly #cron: Cron;

  constructor(cron: string, tz: string | undefined) {
    this.#cron = new Cron(cron, tz === undefined ? { timezone: 'UTC' } : { timezone: tz });
  }

  /** The first tick strictly after `afterMs`, or undefined when the expression never fires again. */
  nextAfter(afterMs: number): number | undefined {
    return this.#cron.nextRun(new Date(afterMs))?.getTime();
  }

  /** The latest tick at or before `atMs`, or undefined when there is none. */
  latestAtOrBefore(atMs: number): number | undefined {
    // previousRuns looks strictly before its reference, so a tick exactly at atMs is found from atMs + 1.
    return this.#cron.previousRuns(1, new Date(atMs + 1))[0]?.getTime();
  }
}
