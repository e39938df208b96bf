import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo, runCli } from '../../../src/index.js';

const argv = (...args: string[]) => ['node', 'warren', ...args];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warren-new-target-'));
  writeFileSync(join(dir, 'a-file'), 'not a directory\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('warren new <dir> refuses a directory it cannot create, as a usage error', () => {
  it.each([
    ['an empty name (which would scaffold into the current directory)', '', 'the project directory is empty', /warren new my-app/],
    ['  ', '  ', 'the project directory is empty', /warren new my-app/],
    ['a path that is a file', 'a-file', '<dir>/a-file is not a directory', /Choose a path that does not exist yet/],
    ['a path under a file', 'a-file/app', '<dir>/a-file/app is not a directory', /Choose a path that does not exist yet/],
  ])('%s: exits 2 and writes nothing', async (_label, target, message, hint) => {
    const io = memoryIo({ cwd: dir });
    expect(await runCli(argv('new', target, '--no-install'), io)).toBe(2);
    expect(io.stderr[0]).toBe(`warren: ${message.replace('<dir>', dir)} (WARREN_ERR_CLI_INVALID)`);
    expect(io.stderr[1]).toMatch(hint);
    expect(io.stdout).toEqual([]);
    expect(readdirSync(dir)).toEqual(['a-file']);
  });

  it('exits 2 for /etc/passwd (an existing file outside the project)', async () => {
    const io = memoryIo({ cwd: dir });
    expect(await runCli(argv('new', '/etc/passwd', '--no-install'), io)).toBe(2);
    expect(io.stderr[0]).toBe('warren: /etc/passwd is not a directory (WARREN_ERR_CLI_INVALID)');
  });
});
