/*
 * Warren's ratio to each baseline per metric (median / median): to bare amqplib (what the issues'
 * targets use), to amqp-connection-manager (the reconnecting peer, issue #13), and to amqplib sending
 * Warren's own wire format (the framework's own cost, with the message format taken out). Pure.
 */
import type { MetricId, ResultSet } from './result-set.js';
import type { SideName } from '../support/bench-side.js';

export interface WarrenRatios {
  /** warren / amqplib (bare messages). */
  readonly vsAmqplib?: number;
  /** warren / amqp-connection-manager. */
  readonly vsAcm?: number;
  /** warren / amqplib (same wire format). */
  readonly vsSameWire?: number;
}

function ratioOf(results: ResultSet, metric: MetricId, under: SideName): number | undefined {
  const warren = results.summary(metric, 'warren')?.median;
  const baseline = results.summary(metric, under)?.median;
  return warren === undefined || baseline === undefined || baseline === 0 ? undefined : warren / baseline;
}

export function warrenRatios(results: ResultSet, metric: MetricId): WarrenRatios {
  const vsAmqplib = ratioOf(results, metric, 'amqplib');
  const vsAcm = ratioOf(results, metric, 'acm');
  const vsSameWire = ratioOf(results, metric, 'amqplib-wire');
  return {
    ...(vsAmqplib === undefined ? {} : { vsAmqplib }), ...(vsAcm === undefined ? {} : { vsAcm }), ...(vsSameWire === undefined ? {} : { vsSameWire }),
  };
}

/** Every metric that has at least one ratio, for latest.json. */
export function allWarrenRatios(results: ResultSet): Record<string, WarrenRatios> {
  const out: Record<string, WarrenRatios> = {};
  for (const metric of results.metrics()) {
    const ratios = warrenRatios(results, metric);
    if (Object.keys(ratios).length > 0) out[metric] = ratios;
  }
  return out;
}
