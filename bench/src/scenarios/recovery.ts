/*
 * Recovery of a Warren worker with jobs flowing at a steady rate: a forced close of every broker
 * connection, then a stop_app outage; reports both recovery times, lost jobs (must be 0),
 * duplicates and dispatches rejected during the outage. Queues are unique and deleted after.
 */
import { HandledTracker } from '../support/handled-tracker.js';
import { appOutage, forcedClose } from '../support/disruptions.js';
import { checkLosses } from '../support/loss-check.js';
import type { SideSettings } from '../support/bench-side.js';
import { SteadyProducer } from '../support/steady-producer.js';
import { openWarrenSide } from '../support/warren-side.js';

export interface RecoveryResult {
  readonly closeRecoveryMs: number;
  readonly startAppRecoveryMs: number;
  readonly rejectedDuringOutage: number;
  readonly sent: number;
  readonly lost: number;
  readonly duplicates: number;
}

export interface RecoverySettings {
  readonly ratePerSec: number;
  readonly outageMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureRecovery(side: SideSettings, settings: RecoverySettings): Promise<RecoveryResult> {
  const warrenSide = await openWarrenSide(side);
  const tracker = new HandledTracker().listen();
  const producer = new SteadyProducer(warrenSide, settings.ratePerSec);
  try {
    await warrenSide.startConsumer();
    producer.start();
    await sleep(1_000);
    const closed = await forcedClose(warrenSide.warren, tracker, producer);
    await sleep(2_000);
    const outage = await appOutage(tracker, producer, settings.outageMs);
    await sleep(1_000);
    await producer.stop();
    const losses = await checkLosses(tracker, producer.confirmed, 30_000);
    if (losses.lost > 0) process.stderr.write(`bench: recovery lost ${losses.lost} jobs, e.g. ${losses.lostSeqs.join(', ')}\n`);
    return {
      closeRecoveryMs: closed.recoveryMs,
      startAppRecoveryMs: outage.recoveryMs,
      rejectedDuringOutage: outage.rejected,
      sent: producer.sent,
      lost: losses.lost,
      duplicates: losses.duplicates,
    };
  } finally {
    await producer.stop();
    await warrenSide.close();
  }
}
