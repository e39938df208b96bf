/*
 * Every test file must clean up what it opened: after the file's last test, no timer, socket or
 * server may remain beyond what the test worker itself had before the file started (STYLE.md).
 * Closing is often asynchronous by a tick or two, so the check waits briefly before failing.
 */
import { afterAll, beforeAll, expect } from 'vitest';

// Resource kinds that a test can leak; the worker's own IPC and stdio pipes are not among them.
const TRACKED = new Set(['Timeout', 'Immediate', 'TCPSocketWrap', 'TCPServerWrap', 'TCPWRAP', 'PipeServerWrap', 'ProcessWrap', 'FSEventWrap', 'UDPWrap']);

function countTracked(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (TRACKED.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

function leaksSince(baseline: Map<string, number>): string[] {
  const leaks: string[] = [];
  for (const [kind, count] of countTracked()) {
    const extra = count - (baseline.get(kind) ?? 0);
    if (extra > 0) leaks.push(`${extra} × ${kind}`);
  }
  return leaks;
}

let baseline = new Map<string, number>();

beforeAll(() => {
  baseline = countTracked();
});

afterAll(async () => {
  let leaks = leaksSince(baseline);
  for (let waited = 0; leaks.length > 0 && waited < 2_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    leaks = leaksSince(baseline);
  }
  expect(leaks, 'handles left open by this test file (close servers, connections and timers in afterEach/afterAll)').toEqual([]);
}, 10_000);
