/*
 * The `warren status` output: one row per pipeline (ready, unacked, consumers, delayed, dead-lettered),
 * or the same data as JSON. Counts a driver cannot tell show as "-" (null in JSON).
 */
import type { PipelineStats } from '@warren/core';
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

/** The JSON document of `warren status --json` (stable keys, null for unknown counts). */
export function formatStatusJson(rows: readonly StatusRow[]): string {
  const pipelines = rows.map((r) => ({
    pipeline: r.pipeline,
    driver: r.driver,
    ready: r.ready ?? null,
    unacked: r.unacked ?? null,
    consumers: r.consumers ?? null,
    delayed: r.delayed ?? null,
    deadLettered: r.deadLettered ?? null,
  }));
  return JSON.stringify({ pipelines }, null, 2);
}
