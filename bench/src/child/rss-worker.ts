/*
 * Child process of the memory measurement, one side per process so each RSS is that side's alone.
 * Mode 'idle': opens the side, starts its consumer and reads RSS 1 s later and once it has sat idle for
 * `idleSeconds`. V8 gives back the young generation that module loading grew only when its memory reducer
 * runs: 8 s after a full GC and then every 8 s until the heap is idle enough, which for a Warren worker was
 * anywhere from 9 to 23 s after start (and ~10 MB of RSS), hence the default of 30 s.
 * Mode 'flow': opens the side, starts its consumer, and 1 s later pushes `jobs` through it end to
 * end while sampling RSS; reports the peak and the RSS 0.5 s after the run. Reports go to the parent over IPC.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SideName, SideSettings } from '../support/bench-side.js';
import { openSide } from '../support/open-side.js';
import { measureEndToEnd } from '../scenarios/throughput.js';

export type RssWorkerInput = {
  readonly side: SideName;
  readonly settings: SideSettings;
} & ({ readonly mode: 'idle'; readonly idleSeconds: number } | { readonly mode: 'flow'; readonly jobs: number; readonly window: number });

export type RssWorkerReport =
  | { readonly mode: 'idle'; readonly startRssMb: number; readonly idleRssMb: number }
  | { readonly mode: 'flow'; readonly peakRssMb: number; readonly afterRssMb: number; readonly perSec: number };

const rssMb = (): number => process.memoryUsage.rss() / (1024 * 1024);

async function measure(input: RssWorkerInput): Promise<RssWorkerReport> {
  const side = await openSide(input.side, input.settings);
  let sampler: NodeJS.Timeout | undefined;
  try {
    await side.startConsumer();
    await sleep(1_000);
    if (input.mode === 'idle') {
      const startRssMb = rssMb();
      await sleep(Math.max(0, input.idleSeconds - 1) * 1_000);
      return { mode: 'idle', startRssMb, idleRssMb: rssMb() };
    }
    let peakRssMb = rssMb();
    sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb())), 20);
    const perSec = await measureEndToEnd(side, { jobs: input.jobs, window: input.window, timeoutMs: 300_000 }, true);
    await sleep(500);
    return { mode: 'flow', peakRssMb: Math.max(peakRssMb, rssMb()), afterRssMb: rssMb(), perSec };
  } finally {
    clearInterval(sampler);
    await side.close();
  }
}

measure(JSON.parse(process.argv[2] ?? '{}') as RssWorkerInput).then(
  (report) => {
    process.send?.(report);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`rss-worker: ${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  },
);
