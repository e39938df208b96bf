/*
 * The `warren status` output: one row per pipeline (ready, unacked, consumers, delayed, dead-lettered),
 * or the same data as JSON (with `schedules` when there are any), plus the state of each connection a driver keeps
 * (the AMQP driver: publish and consume, as this command reached the broker), and the consumption breakers a running
 * worker reports. Counts a driver cannot tell show as "-" (null in JSON).
 */
import type { DriverStatus, PipelineStats } from '@warren/core';
import { schedulesJson, type ScheduleRow } from './format-schedules.js';
import { formatTable } from './format-table.js';

export interface StatusRow extends PipelineStats {
  readonly driver: string;
}

/**
 * The status table lines. `hidden` names the pipelines left out because their driver is in-process
 * (their queues live inside the worker), so an empty table does not claim there are no pipelines.
 */
export function formatStatus(rows: readonly StatusRow[], hidden: readonly string[] = []): string[] {
  if (rows.length === 0 && hidden.length > 0) {
    const names = hidden.map((name) => `"${name}"`).join(', ');
    return [`nothing to show: pipeline${hidden.length === 1 ? '' : 's'} ${names} use${hidden.length === 1 ? 's' : ''} an in-process driver whose queues live inside the worker; status shows pipelines on a broker (driver: amqp)`];
  }
  if (rows.length === 0) return ['no pipelines are defined in jobs.pipelines'];
  return formatTable(
    ['PIPELINE', 'DRIVER', 'READY', 'UNACKED', 'CONSUMERS', 'DELAYED', 'DEAD-LETTERED'],
    rows.map((r) => [r.pipeline, r.driver, r.ready, r.unacked, r.consumers, r.delayed, r.deadLettered]),
  );
}

/** One line per driver with connections, e.g. `amqp connections: publish ready, consume ready`. */
export function formatConnections(drivers: readonly DriverStatus[]): string[] {
  return drivers.filter((driver) => driver.connections !== undefined).map((driver) => {
    const states = Object.entries(driver.connections ?? {}).map(([role, state]) => `${role} ${state}`);
    return `${driver.driver} connections: ${states.join(', ')}`;
  });
}

/** One line per pipeline with breakers, e.g. `breakers of emails (worker http://127.0.0.1:9400): pipeline open`. */
export function formatBreakers(breakers: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined, workerUrl: string | undefined): string[] {
  return Object.entries(breakers ?? {}).map(([pipeline, states]) =>
    `breakers of ${pipeline} (worker ${workerUrl ?? '?'}): ${Object.entries(states).map(([name, state]) => `${name} ${state}`).join(', ')}`);
}

/** What `warren status --json` adds when there is any: the breakers a worker reported, the schedules. */
export interface StatusJsonExtras {
  readonly breakers?: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined;
  readonly schedules?: readonly ScheduleRow[];
}

/** The JSON document of `warren status --json` (stable keys, null for unknown counts; `breakers` and `schedules` when there are any). */
export function formatStatusJson(rows: readonly StatusRow[], drivers: readonly DriverStatus[] = [], extras: StatusJsonExtras = {}): string {
  const pipelines = rows.map((r) => ({
    pipeline: r.pipeline,
    driver: r.driver,
    ready: r.ready ?? null,
    unacked: r.unacked ?? null,
    consumers: r.consumers ?? null,
    delayed: r.delayed ?? null,
    deadLettered: r.deadLettered ?? null,
  }));
  const connections = Object.fromEntries(drivers.filter((d) => d.connections !== undefined).map((d) => [d.driver, d.connections]));
  const { breakers, schedules = [] } = extras;
  return JSON.stringify({
    pipelines, connections, ...(breakers ? { breakers } : {}), ...(schedules.length > 0 ? { schedules: schedulesJson(schedules) } : {}),
  }, null, 2);
}
