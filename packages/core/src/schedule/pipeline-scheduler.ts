/*
 * PipelineScheduler: fires one pipeline's schedules while this process holds that pipeline's lease (the driver's
 * election, scheduler-lease.ts). On acquiring it reads each schedule's last recorded tick, fires the missed one
 * per catch_up (catch-up.ts), then arms a timer per schedule; on losing it stops at once. Each tick is published
 * through the lease with a deterministic id (tick-id.ts). Lifecycle in scheduler-state.ts.
 * Does not elect (the driver does) and does not run jobs (workers do).
 */
import type { Logger } from 'pino';
import type { Driver } from '../driver/driver.js';
import type { SchedulerHolderInfo, SchedulerLease } from '../driver/scheduler-lease.js';
import { WARREN_HEADERS } from '../driver/wire-message.js';
import { WarrenError } from '../errors/warren-error.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { WarrenEventMap } from '../events/warren-events.js';
import type { JobRegistry } from '../job/job-registry.js';
import { encodeJob } from '../worker/encode-job.js';
import { TimerSet, type OwnedTimer } from '../worker/timer-set.js';
import { catchUpTick } from './catch-up.js';
import { CronClock } from './cron-clock.js';
import { LocalSchedulerLease } from './local-scheduler-lease.js';
import type { ResolvedSchedule } from './schedule-types.js';
import { canSchedulerTransition, type SchedulerState } from './scheduler-state.js';
import { tickJobId } from './tick-id.js';

export interface PipelineSchedulerOptions {
  readonly pipeline: string;
  readonly schedules: readonly ResolvedSchedule[];
  readonly driver: Driver;
  readonly registry: JobRegistry;
  readonly logger: Logger;
  readonly events: TypedEmitter<WarrenEventMap>;
  readonly holder: SchedulerHolderInfo;
}

/** What `status()` reports per schedule. */
export interface ScheduleStatus {
  readonly job: string;
  readonly pipeline: string;
  readonly cron: string;
  readonly tz: string | undefined;
  readonly catchUp: ResolvedSchedule['catchUp'];
  /** The next tick from now, epoch ms; undefined when the expression never fires again. */
  readonly nextRunMs: number | undefined;
  /** The last tick this process fired or learned of while leading. */
  readonly lastFiredMs: number | undefined;
}

interface Armed {
  readonly schedule: ResolvedSchedule;
  readonly clock: CronClock;
  lastFiredMs: number | undefined;
  timer: OwnedTimer | undefined;
}

export class PipelineScheduler {
  readonly pipeline: string;
  #state: SchedulerState = 'idle';
  /** Bumped on every acquire and loss: async work of an older term does nothing when it completes. */
  #term = 0;
  #lease: SchedulerLease | undefined;
  #closing: Promise<void> | undefined;
  readonly #timers = new TimerSet();
  readonly #armed: Armed[];
  readonly #log: Logger;

  constructor(private readonly options: PipelineSchedulerOptions) {
    this.pipeline = options.pipeline;
    this.#log = options.logger.child({ pipeline: options.pipeline, component: 'scheduler' });
    this.#armed = options.schedules.map((schedule) => ({ schedule, clock: new CronClock(schedule.cron, schedule.tz), lastFiredMs: undefined, timer: undefined }));
  }

  get state(): SchedulerState {
    return this.#state;
  }

  /** Joins the election. Rejects (state unchanged) when the driver cannot open its lease. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw illegal(`start() in state ${this.#state}`);
    const { driver, pipeline, holder } = this.options;
    const lease = driver.openSchedulerLease ? await driver.openSchedulerLease(pipeline, { holder }) : new LocalSchedulerLease(pipeline, driver);
    this.#lease = lease;
    lease.events.on('lease:acquired', () => this.#onAcquired());
    lease.events.on('lease:lost', ({ reason }) => this.#onLost(reason));
    this.#transition('standby', 'joined the election');
    if (lease.isHeld) this.#onAcquired();
  }

  /** Stops firing and leaves the election (the lease passes on). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#state !== 'closed') this.#transition('closed', 'close() called');
      this.#term += 1;
      this.#timers.close();
      await this.#lease?.release();
    })();
    return this.#closing;
  }

  status(nowMs = Date.now()): ScheduleStatus[] {
    return this.#armed.map(({ schedule, clock, lastFiredMs }) => ({
      job: schedule.job, pipeline: this.pipeline, cron: schedule.cron, tz: schedule.tz, catchUp: schedule.catchUp,
      nextRunMs: clock.nextAfter(nowMs), lastFiredMs,
    }));
  }

  #onAcquired(): void {
    if (this.#state !== 'standby') return;
    this.#transition('leading', 'lease acquired');
    const term = ++this.#term;
    const settleMs = this.#lease?.settleMs ?? 0;
    // #begin logs its own failures; a loss meanwhile cancels the timers.
    if (settleMs <= 0) for (const armed of this.#armed) void this.#begin(armed, term);
    else this.#timers.schedule(settleMs, () => this.#armed.forEach((armed) => void this.#begin(armed, term)));
  }

  #onLost(reason: string): void {
    if (this.#state !== 'leading') return;
    this.#term += 1;
    this.#timers.cancelAll();
    for (const armed of this.#armed) armed.timer = undefined;
    this.#transition('standby', `lease lost: ${reason}`);
  }

  /** Catch-up, then the first timer, for one schedule in a new term. */
  async #begin(armed: Armed, term: number): Promise<void> {
    const { job, catchUp } = armed.schedule;
    let lastFiredMs: number | undefined;
    try {
      lastFiredMs = await this.#lease!.lastTick(job);
    } catch (error) {
      this.#log.warn({ err: error, job }, 'reading the last tick failed; missed ticks are not caught up this time');
    }
    if (term !== this.#term) return;
    armed.lastFiredMs = Math.max(lastFiredMs ?? Number.NEGATIVE_INFINITY, armed.lastFiredMs ?? Number.NEGATIVE_INFINITY);
    if (!Number.isFinite(armed.lastFiredMs)) armed.lastFiredMs = undefined;
    const nowMs = Date.now();
    const missed = catchUpTick({ lastFiredMs: armed.lastFiredMs, latestDueMs: armed.clock.latestAtOrBefore(nowMs), catchUp });
    if (missed !== undefined) void this.#fire(armed, missed, term, true);
    this.#arm(armed, Math.max(nowMs, armed.lastFiredMs ?? nowMs), term);
  }

  #arm(armed: Armed, afterMs: number, term: number): void {
    const tickMs = armed.clock.nextAfter(afterMs);
    if (tickMs === undefined || term !== this.#term) return;
    armed.timer = this.#timers.schedule(tickMs - Date.now(), () => this.#onTimer(armed, tickMs, term));
  }

  #onTimer(armed: Armed, tickMs: number, term: number): void {
    if (term !== this.#term || this.#state !== 'leading') return;
    const earlyMs = tickMs - Date.now();
    if (earlyMs > 0) {
      // Timers may wake a millisecond early; a tick is never fired before its time.
      armed.timer = this.#timers.schedule(earlyMs, () => this.#onTimer(armed, tickMs, term));
      return;
    }
    this.#arm(armed, tickMs, term); // the next tick does not wait for this one's confirm
    void this.#fire(armed, tickMs, term, false); // #fire logs its own failures
  }

  async #fire(armed: Armed, tickMs: number, term: number, isCatchUp: boolean): Promise<void> {
    const { job, payload } = armed.schedule;
    const previousMs = armed.lastFiredMs;
    if (previousMs !== undefined && tickMs <= previousMs) return; // fired already (in this or an earlier term)
    armed.lastFiredMs = tickMs;
    const id = tickJobId(job, tickMs);
    try {
      const definition = this.options.registry.find(job);
      const tickIso = new Date(tickMs).toISOString();
      const message = encodeJob(definition ?? { name: job }, payload, { id, headers: { [WARREN_HEADERS.schedule]: job, [WARREN_HEADERS.tick]: tickIso } });
      await this.#lease!.dispatchTick(job, tickMs, message);
      this.#log.debug({ job, id, isCatchUp }, 'schedule tick dispatched');
      this.options.events.emit('schedule:fired', { job, pipeline: this.pipeline, tickMs, id, isCatchUp });
    } catch (error) {
      // Not recorded either: a later scheduler (this one after a new acquire included) may catch it up.
      if (armed.lastFiredMs === tickMs) armed.lastFiredMs = previousMs;
      this.#log.error({ err: error, job, id, stale: term !== this.#term }, 'a schedule tick was not dispatched');
    }
  }

  #transition(to: SchedulerState, reason: string): void {
    const from = this.#state;
    if (!canSchedulerTransition(from, to)) throw illegal(`cannot move from ${from} to ${to} (${reason})`);
    this.#state = to;
    this.#log.info({ from, to, reason }, 'scheduler state');
    this.options.events.emit('scheduler:state', { pipeline: this.pipeline, from, to, reason });
  }
}

function illegal(message: string): WarrenError {
  return new WarrenError('WARREN_ERR_SCHEDULE_ILLEGAL_STATE', `scheduler: ${message}`);
}
