/*
 * formatTables: the results as Markdown tables (used for the console, latest.md and the README):
 * one row per metric with median (min–max) per side and Warren's ratios to plain amqplib (bare),
 * amqp-connection-manager and amqplib sending Warren's wire format, then the target checks. Pure string building.
 */
import type { MetricId, ResultSet } from './result-set.js';
import { warrenRatios } from './ratios.js';
import type { TargetCheck } from './targets.js';
import { SIDE_TITLES, type SideName } from '../support/bench-side.js';
import type { Summary } from '../support/stats.js';

const SIDES: readonly SideName[] = ['amqplib', 'amqplib-wire', 'acm', 'warren', 'warren-otel', 'bullmq', 'memory', 'memory-otel'];

const LABELS: Record<MetricId, { label: string; digits: number }> = {
  'e2e.msgPerSec': { label: 'end-to-end msg/s', digits: 0 },
  'tracing.e2eMsgPerSec': { label: 'end-to-end msg/s, tracing off vs on (SDK, no exporter)', digits: 0 },
  'tracing.latencyP50Ms': { label: 'latency p50 ms, tracing off vs on (SDK, no exporter)', digits: 2 },
  'publish.msgPerSec': { label: 'publish-only msg/s', digits: 0 },
  'consume.msgPerSec': { label: 'consume-only msg/s', digits: 0 },
  'latency.p50Ms': { label: 'latency p50 ms', digits: 2 },
  'latency.p99Ms': { label: 'latency p99 ms', digits: 2 },
  'recovery.closeMs': { label: 'recovery after close_all_connections ms', digits: 0 },
  'recovery.startAppMs': { label: 'recovery after start_app ms', digits: 0 },
  'recovery.rejected': { label: 'dispatches rejected during outage', digits: 0 },
  'recovery.lost': { label: 'jobs lost', digits: 0 },
  'recovery.duplicates': { label: 'duplicates', digits: 0 },
  'recovery.sent': { label: 'jobs sent during recovery runs', digits: 0 },
  'cluster.stopAppMs': { label: 'recovery after the connected cluster node stops (stop_app) ms', digits: 0 },
  'cluster.killMs': { label: 'recovery after the connected cluster node is SIGKILLed ms', digits: 0 },
  'rss.startMb': { label: 'RSS 1 s after start MB', digits: 1 },
  'rss.idleMb': { label: 'RSS idle worker MB', digits: 1 },
  'rss.peakMb': { label: 'RSS peak MB', digits: 1 },
  'rss.afterMb': { label: 'RSS after run MB', digits: 1 },
  'startup.readyMs': { label: 'startup: warren run → /ready 200 ms', digits: 0 },
  'outbox.memoryPerSec': { label: 'dispatches/s while unreachable, outbox in memory', digits: 0 },
  'outbox.nonePerSec': { label: 'dispatches/s while unreachable, durable outbox fsync none', digits: 0 },
  'outbox.intervalPerSec': { label: 'dispatches/s while unreachable, durable outbox fsync interval (default)', digits: 0 },
  'outbox.everyPerSec': { label: 'dispatches/s while unreachable, durable outbox fsync every', digits: 0 },
  'outbox.replayMs': { label: 'durable outbox replay of --jobs dispatches until confirmed ms', digits: 0 },
};

function cell(summary: Summary | undefined, digits: number): string {
  if (!summary) return '';
  const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '∞');
  return summary.samples.length === 1 ? f(summary.median) : `${f(summary.median)} (${f(summary.min)}–${f(summary.max)})`;
}

export function formatResultsTable(results: ResultSet): string {
  const metrics = (Object.keys(LABELS) as MetricId[]).filter((metric) => results.sides(metric).length > 0);
  const sides = SIDES.filter((side) => metrics.some((metric) => results.sides(metric).includes(side)));
  const lines = [
    `| measurement | ${sides.map((side) => SIDE_TITLES[side]).join(' | ')} | warren / amqplib | warren / amqp-connection-manager | warren / amqplib (same wire) |`,
    `| --- | ${sides.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`,
  ];
  const times = (ratio: number | undefined): string => (ratio === undefined ? '' : `${ratio.toFixed(2)}x`);
  for (const metric of metrics) {
    const { label, digits } = LABELS[metric];
    const ratios = warrenRatios(results, metric);
    lines.push(`| ${label} | ${sides.map((side) => cell(results.summary(metric, side), digits)).join(' | ')} | ${times(ratios.vsAmqplib)} | ${times(ratios.vsAcm)} | ${times(ratios.vsSameWire)} |`);
  }
  return lines.join('\n');
}

export function formatTargetsTable(checks: readonly TargetCheck[]): string {
  return ['| target | measured | status |', '| --- | ---: | --- |', ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.status} |`)].join('\n');
}
