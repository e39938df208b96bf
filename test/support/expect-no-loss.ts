/*
 * expectNothingLost: the assertion every chaos test ends with. Every confirmed job was handled at
 * least once, no publish was refused, nothing foreign arrived; duplicates are allowed (at-least-once)
 * but counted and printed so a regression in redelivery volume is visible in the test output.
 */
import { expect } from 'vitest';
import type { ChaosFixture } from './chaos-fixture.js';
import type { LedgerReport } from './job-ledger.js';

/** Waits until every dispatched job was handled, then asserts that none was lost or refused. */
export async function expectNothingLost(
  fixture: ChaosFixture,
  options: { expectedCount: number; timeoutMs: number },
): Promise<LedgerReport> {
  let report: LedgerReport;
  try {
    report = await fixture.ledger.waitUntilAllHandled(options);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${fixture.describe()}`, { cause: error });
  }
  const duplicated = report.duplicates.reduce((sum, d) => sum + d.count - 1, 0);
  // Reported, not asserted: at-least-once delivery allows redeliveries after a connection loss.
  console.info(`${fixture.ledger.summary()} redeliveries=${duplicated}`);
  expect(report.rejected.map((r) => `${r.id}: ${String(r.error)}`), 'publishes refused during the chaos').toEqual([]);
  expect(report.lost, 'confirmed jobs never handled').toEqual([]);
  expect(report.unexpected, 'handled ids that were never dispatched').toEqual([]);
  expect(report.confirmed).toBe(options.expectedCount);
  return report;
}
