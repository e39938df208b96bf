/*
 * Child process of the memory measurement: opens one side, reports the RSS of the idle worker,
 * then pushes `jobs` through it end to end while sampling RSS, and reports the peak and the RSS
 * after the run to the parent over IPC. One side per process, so each RSS is that side's alone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SideName, SideSettings } from '../support/bench-side.js';
import { openSide } from '../support/open-side.js';
import { measureEndToEnd } from '../scenarios/throughput.js';

export interface RssWorkerInput {
  readonly side: SideName;
  readonly settings: SideSettings;
  readonly jobs: number;
  readonly window: number;
}

export interface RssWorkerReport {
  readonly idleRssMb: number;
  readonly peakRssMb: number;
  readonly afterRssMb: number;
  readonly perSec: number;
}

const rssMb = (): number => process.memoryUsage.rss() / (1024 * 1024);

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as RssWorkerInput;
  const side = await openSide(input.side, input.settings);
  let peakRssMb = 0;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb())), 20);
  try {
    await side.startConsumer();
    await sleep(1_000);
    const idleRssMb = rssMb();
    const perSec = await measureEndToEnd(side, { jobs: input.jobs, window: input.window, timeoutMs: 300_000 }, true);
    await sleep(500);
    const report: RssWorkerReport = { idleRssMb, peakRssMb: Math.max(peakRssMb, rssMb()), afterRssMb: rssMb(), perSec };
    process.send?.(report);
  } finally {
    clearInterval(sampler);
    await side.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`rss-worker: ${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  },
);
