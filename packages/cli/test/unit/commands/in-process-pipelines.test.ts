import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo, runCli } from '../../../src/index.js';

const argv = (...args: string[]) => ['node', 'warren', ...args];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warren-cli-memory-'));
  writeFileSync(join(dir, 'warren.yaml'), 'version: 1\njobs:\n  pipelines:\n    emails: { driver: memory }\nhttp: { enabled: false }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('commands that run in their own process', () => {
  it.each([
    [['push', 'emails.welcome', '{}', '--pipeline', 'emails'], 'push'],
    [['dlq', 'list', 'emails'], 'dlq list'],
    [['dlq', 'replay', 'emails'], 'dlq replay'],
    [['dlq', 'purge', 'emails'], 'dlq purge'],
    [['status', '--pipelines', 'emails'], 'status'],
  ])('refuse a memory pipeline instead of acting on an empty copy: %j', async (args, command) => {
    const io = memoryIo({ cwd: dir });
    expect(await runCli(argv(...args), io)).toBe(2);
    expect(io.stderr[0]).toBe(
      `warren: \`warren ${command}\` cannot reach pipeline "emails": its memory driver keeps messages inside the worker's own process (WARREN_ERR_CLI_INVALID)`,
    );
    expect(io.stderr[1]).toMatch(/hint: Use a broker for jobs that cross processes \(driver: amqp\)/);
    expect(io.stdout).toEqual([]);
  });

  it('leaves memory pipelines out of a plain `warren status`', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await runCli(argv('status', '--json'), io)).toBe(0);
    expect(JSON.parse(io.stdout.join('\n'))).toEqual({ pipelines: [], connections: {} });
    expect(io.stderr).toEqual(['note: pipeline "emails" uses an in-process driver; its queues live inside the worker and cannot be shown here']);
  });

  it('says why a plain `warren status` shows nothing when every pipeline is in-process', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await runCli(argv('status'), io)).toBe(0);
    expect(io.stdout).toEqual([
      'nothing to show: pipeline "emails" uses an in-process driver whose queues live inside the worker; status shows pipelines on a broker (driver: amqp)',
    ]);
  });

  it('hints at --pipeline (the flag, not the API option) when `warren push` names an unknown job', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await runCli(argv('push', 'nope.job', '{}'), io)).toBe(2);
    expect(io.stderr).toEqual([
      'warren: no job named "nope.job" is registered here, so its pipeline is unknown (WARREN_ERR_JOB_NOT_FOUND)',
      '  hint: Pass --pipeline <name> for a job this project does not define, or add the module that defines "nope.job" to jobs.modules.',
    ]);
  });
});
