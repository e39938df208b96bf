/*
 * checkLosses: after a producer stopped, waits (up to a deadline) until every confirmed job was
 * handled, then counts the ones that never were (lost) and the ones handled twice (duplicates).
 */
import type { HandledTracker } from './handled-tracker.js';

export interface LossReport {
  readonly lost: number;
  readonly duplicates: number;
  readonly lostSeqs: number[];
}

export async function checkLosses(tracker: HandledTracker, confirmed: ReadonlySet<number>, deadlineMs: number): Promise<LossReport> {
  const missing = (): number[] => [...confirmed].filter((seq) => !tracker.has(seq));
  const until = Date.now() + deadlineMs;
  let lostSeqs = missing();
  while (lostSeqs.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    lostSeqs = missing();
  }
  return { lost: lostSeqs.length, duplicates: tracker.duplicates, lostSeqs: lostSeqs.slice(0, 20) };
}
