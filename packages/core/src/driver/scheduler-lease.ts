/*
 * SchedulerLease: the contract between core's scheduler and a transport for electing one scheduler per pipeline
 * across every process, and for recording which tick each schedule fired last. A driver that can do this through
 * its broker implements `Driver.openSchedulerLease`; without it, core uses an in-process lease (local-scheduler-lease.ts),
 * which is right for the memory driver and nothing else. Core never learns how the election works.
 */
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { WireMessage } from './wire-message.js';

/** Events of a lease. */
export type SchedulerLeaseEventMap = {
  /** This process now holds the scheduler of the pipeline. */
  'lease:acquired': { pipeline: string };
  /** This process no longer holds it (connection or channel lost, released); it must stop firing at once. */
  'lease:lost': { pipeline: string; reason: string };
};

/** What a process tells the others about itself while it holds a lease (shown by `warren status`). */
export interface SchedulerHolderInfo {
  /** `host:pid` of the holder. */
  readonly holder: string;
  /** When it took the lease, epoch ms. */
  readonly sinceMs: number;
  /** The schedules it runs (so that `warren status` can list them without loading job modules). */
  readonly schedules: ReadonlyArray<{ readonly job: string; readonly cron: string; readonly tz: string | undefined }>;
}

/** One process's part in the election of a pipeline's scheduler. */
export interface SchedulerLease {
  readonly pipeline: string;
  readonly events: TypedEmitter<SchedulerLeaseEventMap>;
  /** True while this process holds the scheduler. */
  readonly isHeld: boolean;
  /**
   * Optional: how long a new holder waits before it reads the recorded ticks, so that what a holder that just died
   * had already sent (on another connection, say) is recorded first. Default 0.
   */
  readonly settleMs?: number;
  /** The last tick (epoch ms) recorded for `job` by any holder; undefined when none was. */
  lastTick(job: string): Promise<number | undefined>;
  /** Publishes the job of one tick and records the tick for `job`, both at once where the transport allows. */
  dispatchTick(job: string, tickMs: number, message: WireMessage): Promise<void>;
  /** Leaves the election; a held lease passes to another process. Idempotent. */
  release(): Promise<void>;
}

/** What `Driver.inspectSchedules` reports for `warren status`. */
export interface ScheduleInspection {
  /** The process holding the scheduler now, as it announced itself; undefined when none is known. */
  readonly holder: SchedulerHolderInfo | undefined;
  /** Processes taking part in the election (the holder included); undefined when the driver cannot tell. */
  readonly candidates: number | undefined;
  /** The last recorded tick of each asked job. */
  readonly lastTicks: Readonly<Record<string, number | undefined>>;
}

/** Options of `Driver.openSchedulerLease`. */
export interface OpenSchedulerLeaseOptions {
  /** What the holder announces (status reads it). */
  readonly holder: SchedulerHolderInfo;
}
