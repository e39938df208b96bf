/*
 * WarrenHealth: liveness and readiness of a Warren instance, derived on demand from its workers
 * and drivers (no state of its own). /health and /ready serve it; metrics read its gauges.
 */
import type { WarrenConfig } from '../config/config-types.js';
import type { DriverStatus } from '../driver/driver.js';
import type { WorkerState } from '../events/warren-events.js';
import type { PipelineWorker } from '../worker/pipeline-worker.js';
import type { WarrenState } from './warren-state.js';

export interface PipelineHealth {
  readonly name: string;
  readonly driver: string;
  /** `not-consumed` for pipelines this process only dispatches to. */
  readonly workerState: WorkerState | 'not-consumed';
  /** True while consuming, or while its consumption breaker holds deliveries back on purpose (still healthy). */
  readonly consuming: boolean;
  readonly inFlight: number;
  /** Consumption breaker states: `pipeline`, and `job:<name>` for jobs with their own; empty without breakers. */
  readonly breakers: Readonly<Record<string, string>>;
  /** Total ms deliveries waited for a rate limit before they started (0 without limits). */
  readonly rateLimitWaitedMs: number;
  /** Deliveries waiting for a rate limit now. */
  readonly rateLimited: number;
}

export interface WarrenHealth {
  /** False once a driver has failed for good (e.g. redial.timeout expired): the process should exit. */
  readonly live: boolean;
  /** True while running and every consumed pipeline has a live consumer. */
  readonly ready: boolean;
  /** Why not ready (or not live), one sentence each. */
  readonly reasons: string[];
  readonly pipelines: PipelineHealth[];
  readonly drivers: DriverStatus[];
}

export function computeHealth(
  state: WarrenState,
  config: WarrenConfig,
  workers: ReadonlyMap<string, PipelineWorker>,
  drivers: DriverStatus[],
  driverStateOf: (pipeline: string) => DriverStatus['state'],
): WarrenHealth {
  const reasons: string[] = [];
  const failed = drivers.filter((driver) => driver.state === 'failed');
  for (const driver of failed) reasons.push(`driver ${driver.driver} failed`);
  for (const driver of drivers) {
    for (const [role, connectionState] of Object.entries(driver.connections ?? {})) {
      if (connectionState !== 'ready' && connectionState !== 'blocked') reasons.push(`driver ${driver.driver}: ${role} connection ${connectionState}`);
    }
  }
  if (state !== 'running') reasons.push(`not running (state ${state})`);
  const pipelines = Object.entries(config.jobs.pipelines).map(([name, pipeline]): PipelineHealth => {
    const worker = workers.get(name);
    const consuming = worker?.isConsuming ?? false;
    if (worker && !consuming) {
      reasons.push(`pipeline ${name}: not consuming (worker ${worker.state}, driver ${pipeline.driver} ${driverStateOf(name)})`);
    }
    const limited = worker?.rateLimited;
    return {
      name, driver: pipeline.driver, workerState: worker?.state ?? 'not-consumed', consuming, inFlight: worker?.inFlight ?? 0,
      breakers: worker?.breakerStates() ?? {}, rateLimitWaitedMs: limited?.waitedMs ?? 0, rateLimited: limited?.waiting ?? 0,
    };
  });
  return { live: failed.length === 0, ready: reasons.length === 0 && workers.size > 0, reasons, pipelines, drivers };
}
