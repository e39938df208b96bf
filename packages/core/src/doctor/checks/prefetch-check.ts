/*
 * Prefetch against concurrency: below it, workers idle; far above it (more than twice), messages sit
 * unacked in the process while they wait for a worker (the incident's 200 pollers for 50 workers).
 * Prefetch is a driver option, read generically from `options.prefetch` when it is a number. Pure.
 */
import { formatPath } from '../../config/config-path.js';
import type { ConfigView } from '../config-view.js';
import type { Diagnostic } from '../diagnostic.js';

/** Beyond this many prefetched messages per worker slot we warn. */
export const PREFETCH_WARN_FACTOR = 2;

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** An error when prefetch < concurrency, a warning when prefetch > 2 × concurrency. */
export function prefetchCheck(view: ConfigView): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const pipeline of view.pipelines) {
    const prefetch = asNumber(pipeline.options.prefetch);
    const concurrency = pipeline.concurrency;
    if (prefetch === undefined || concurrency === undefined) continue;
    const path = formatPath(['jobs', 'pipelines', pipeline.name, 'options', 'prefetch']);
    if (prefetch < concurrency) {
      diagnostics.push({
        severity: 'error', code: 'WARREN_ERR_CONFIG_MISMATCH', path,
        message: `prefetch ${prefetch} is below concurrency ${concurrency}: at most ${prefetch} jobs can run at once, so ${concurrency - prefetch} worker slots stay idle`,
        hint: `set options.prefetch to ${concurrency} (equal to concurrency), or lower concurrency to ${prefetch}`,
      });
    } else if (prefetch > PREFETCH_WARN_FACTOR * concurrency) {
      diagnostics.push({
        severity: 'warning', code: 'WARREN_WRN_002', path,
        message: `prefetch ${prefetch} is more than ${PREFETCH_WARN_FACTOR} × concurrency ${concurrency}: up to ${prefetch - concurrency} messages are held unacked while they wait for a worker`,
        hint: `set options.prefetch between ${concurrency} and ${PREFETCH_WARN_FACTOR * concurrency}, or raise concurrency`,
      });
    }
  }
  return diagnostics;
}
