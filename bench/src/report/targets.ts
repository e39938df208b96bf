/*
 * The targets of issues #6 and #13, each checked against a run's results: a ratio or a bound on the
 * median (or, for recovery, the worst round). Throughput and RSS ratios are checked against bare amqplib
 * and against amqp-connection-manager. A target whose figures are missing is "n/a".
 */
import type { MetricId, ResultSet } from './result-set.js';
import type { SideName } from '../support/bench-side.js';

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly status: 'pass' | 'FAIL' | 'n/a';
}

type Pick = 'median' | 'max';

function value(results: ResultSet, metric: MetricId, side: SideName, pick: Pick = 'median'): number | undefined {
  return results.summary(metric, side)?.[pick];
}

function check(target: string, measured: number | undefined, isMet: (value: number) => boolean, format: (value: number) => string): TargetCheck {
  if (measured === undefined || Number.isNaN(measured)) return { target, measured: 'n/a', status: 'n/a' };
  return { target, measured: format(measured), status: isMet(measured) ? 'pass' : 'FAIL' };
}

function ratio(results: ResultSet, metric: MetricId, over: SideName, under: SideName): number | undefined {
  const a = value(results, metric, over);
  const b = value(results, metric, under);
  return a === undefined || b === undefined ? undefined : a / b;
}

const times = (n: number): string => `${n.toFixed(2)}x`;
const ms = (n: number): string => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'never');
const mb = (n: number): string => `${n.toFixed(1)} MB`;

/** Idle worker allowance over bare amqplib's idle process (issue #13: zod and the framework's code stay loaded). */
export const IDLE_ALLOWANCE_MB = 12;

function difference(results: ResultSet, metric: MetricId, over: SideName, under: SideName): number | undefined {
  const a = value(results, metric, over);
  const b = value(results, metric, under);
  return a === undefined || b === undefined ? undefined : a - b;
}

const PEERS = [['amqplib', 'amqplib'], ['acm', 'amqp-connection-manager']] as const;

export function checkTargets(results: ResultSet): TargetCheck[] {
  const perPeer = (make: (peer: SideName, title: string) => TargetCheck): TargetCheck[] => PEERS.map(([peer, title]) => make(peer, title));
  return [
    ...perPeer((peer, title) => check(`end-to-end msg/s >= 1.0x ${title}`, ratio(results, 'e2e.msgPerSec', 'warren', peer), (r) => r >= 1, times)),
    ...perPeer((peer, title) => check(`publish-only msg/s >= 0.95x ${title}`, ratio(results, 'publish.msgPerSec', 'warren', peer), (r) => r >= 0.95, times)),
    check('end-to-end msg/s above BullMQ', ratio(results, 'e2e.msgPerSec', 'warren', 'bullmq'), (r) => r > 1, times),
    check('latency p50 <= 1.2x amqplib', ratio(results, 'latency.p50Ms', 'warren', 'amqplib'), (r) => r <= 1.2, times),
    check('latency p99 <= 1.2x amqplib', ratio(results, 'latency.p99Ms', 'warren', 'amqplib'), (r) => r <= 1.2, times),
    check('recovery after close_all_connections <= 500 ms (worst round)', value(results, 'recovery.closeMs', 'warren', 'max'), (v) => v <= 500, ms),
    check('recovery after start_app (6 s outage) <= 1500 ms (worst round)', value(results, 'recovery.startAppMs', 'warren', 'max'), (v) => v <= 1_500, ms),
    check('no dispatch rejected during the outage', value(results, 'recovery.rejected', 'warren', 'max'), (v) => v === 0, String),
    check('no job lost', value(results, 'recovery.lost', 'warren', 'max'), (v) => v === 0, String),
    ...perPeer((peer, title) => check(`peak RSS <= 1.1x ${title}`, ratio(results, 'rss.peakMb', 'warren', peer), (r) => r <= 1.1, times)),
    ...perPeer((peer, title) => check(`RSS after the run <= 1.1x ${title}`, ratio(results, 'rss.afterMb', 'warren', peer), (r) => r <= 1.1, times)),
    check(`idle worker RSS <= amqplib idle + ${IDLE_ALLOWANCE_MB} MB (same run)`, difference(results, 'rss.idleMb', 'warren', 'amqplib'),
      (d) => d <= IDLE_ALLOWANCE_MB, (d) => `${mb(value(results, 'rss.idleMb', 'warren') as number)} (amqplib + ${d.toFixed(1)} MB)`),
  ];
}
