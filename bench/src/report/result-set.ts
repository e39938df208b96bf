/*
 * ResultSet: every value measured in a run, by metric and side, one sample per round, plus the
 * errors of measurements that failed. Summaries (min/median/max) are computed on demand.
 */
import type { SideName } from '../support/bench-side.js';
import { summarize, type Summary } from '../support/stats.js';

export type MetricId =
  | 'e2e.msgPerSec' | 'tracing.e2eMsgPerSec' | 'tracing.latencyP50Ms' | 'publish.msgPerSec' | 'consume.msgPerSec' | 'latency.p50Ms' | 'latency.p99Ms'
  | 'recovery.closeMs' | 'recovery.startAppMs' | 'recovery.rejected' | 'recovery.lost' | 'recovery.duplicates' | 'recovery.sent'
  | 'rss.startMb' | 'rss.idleMb' | 'rss.peakMb' | 'rss.afterMb' | 'startup.readyMs' | 'cluster.stopAppMs' | 'cluster.killMs'
  | 'outbox.memoryPerSec' | 'outbox.nonePerSec' | 'outbox.intervalPerSec' | 'outbox.everyPerSec' | 'outbox.replayMs';

export interface MeasurementError {
  readonly round: number;
  readonly what: string;
  readonly error: string;
}

export class ResultSet {
  readonly #samples = new Map<MetricId, Map<SideName, number[]>>();
  readonly errors: MeasurementError[] = [];
  /** Measurements that failed once and were run again (their first error); the retry's value is the one kept. */
  readonly retried: MeasurementError[] = [];

  add(metric: MetricId, side: SideName, value: number): void {
    const bySide = this.#samples.get(metric) ?? new Map<SideName, number[]>();
    this.#samples.set(metric, bySide);
    bySide.set(side, [...(bySide.get(side) ?? []), value]);
  }

  summary(metric: MetricId, side: SideName): Summary | undefined {
    const samples = this.#samples.get(metric)?.get(side);
    return samples && samples.length > 0 ? summarize(samples) : undefined;
  }

  sides(metric: MetricId): SideName[] {
    return [...(this.#samples.get(metric)?.keys() ?? [])];
  }

  metrics(): MetricId[] {
    return [...this.#samples.keys()];
  }

  toJSON(): Record<string, Record<string, Summary>> {
    const out: Record<string, Record<string, Summary>> = {};
    for (const [metric, bySide] of this.#samples) {
      out[metric] = Object.fromEntries([...bySide.keys()].map((side) => [side, this.summary(metric, side) as Summary]));
    }
    return out;
  }
}
