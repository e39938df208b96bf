/*
 * `@opentelemetry/api` is an optional peer of @warren/core: in a child process whose module hooks make the package
 * unresolvable (emulating an app that does not install it), jobs run as before and nothing of OpenTelemetry is
 * loaded; with `tracing: false` the package is not even looked for; and when it is installed it is loaded (which
 * shows the hooks see the import at all). Uses the memory driver: no broker needed, only the built packages.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('../support/otel-absent/run-job.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'warren-otel-peer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one job in a child; returns what its handler saw and the OpenTelemetry module log of its hooks. */
async function runChild(label: string, isBlocked: boolean, tracing: 'default' | 'off'): Promise<{ seen: unknown; log: string[] }> {
  const logFile = join(dir, `${label}.log`);
  writeFileSync(logFile, '');
  const { stdout } = await promisify(execFile)(process.execPath, [CHILD, logFile, isBlocked ? '1' : '0', tracing], { timeout: 20_000 });
  const log = readFileSync(logFile, 'utf8').split('\n').filter((line) => line !== '');
  return { seen: JSON.parse(stdout.trim()) as unknown, log };
}

describe('@opentelemetry/api as an optional peer', () => {
  it('runs jobs without it installed, having tried the import once and loaded nothing of OpenTelemetry', async () => {
    const { seen, log } = await runChild('absent', true, 'default');
    expect(seen).toEqual({ payload: { n: 1 }, traceparent: null });
    expect(log).toEqual(['resolve @opentelemetry/api']);
  });

  it('does not even look for it with tracing: false', async () => {
    const { seen, log } = await runChild('off', false, 'off');
    expect(seen).toEqual({ payload: { n: 1 }, traceparent: null });
    expect(log).toEqual([]);
  });

  it('loads it when installed (no SDK registered: no-op spans, so no traceparent either)', async () => {
    const { seen, log } = await runChild('present', false, 'default');
    expect(seen).toEqual({ payload: { n: 1 }, traceparent: null });
    expect(log[0]).toBe('resolve @opentelemetry/api');
    expect(log.some((line) => /^load file:.*\/@opentelemetry\/api\//.test(line))).toBe(true);
  });
});
