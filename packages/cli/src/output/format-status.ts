/*
 * The `warren status` output: one row per pipeline (ready, unacked, consumers, delayed, dead-lettered),
 * or the same data as JSON (with `schedules` when there are any), plus the state of each connection a driver keeps (the AMQP driver: publish and
 * consume, as this command reached the broker). Counts a driver cannot tell show as "-" (null in JSON).
 */
import type { DriverStatus, PipelineStats } from '@warren/core';
import { schedulesJson, type ScheduleRow } from './format-schedules.js';
import { formatTable } from './format-table.js';

export interface StatusRow extends PipelineStats {
  readonly driver: string;
}

/** The status table lines. */
export function formatStatus(rows: readonly StatusRow[]): string[] {
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

/** The JSON document of `warren status --json` (stable keys, null for unknown counts). */
export function formatStatusJson(rows: readonly StatusRow[], drivers: readonly DriverStatus[] = [], schedules: readonly ScheduleRow[] = []): string {
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
  return JSON.stringify({ pipelines, connections, ...(schedules.length > 0 ? { schedules: schedulesJson(schedules) } : {}) }, null, 2);
}
