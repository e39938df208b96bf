import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryIo, runCli } from '../../../src/index.js';

const argv = (...args: string[]) => ['node', 'warren', ...args];
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-new-cmd-'));
  dirs.push(dir);
  for (const file of files) writeFileSync(join(dir, file), '');
  return dir;
}

describe('warren new --pm and --from', () => {
  it.each([
    [['--pm', 'bun'], '--pm must be one of npm, pnpm, yarn, not "bun"'],
    [['--from', 'no-such-dir'], '--from'],
  ])('refuses %j as a usage error before writing anything', async (options, message) => {
    const cwd = tempDir();
    const io = memoryIo({ cwd });
    expect(await runCli(argv('new', 'app', '--no-install', ...options), io)).toBe(2);
    expect(io.stderr[0]).toContain(message);
    expect(existsSync(join(cwd, 'app'))).toBe(false);
  });

  it('points the project at the tarballs and speaks the package manager that ran it', async () => {
    const packs = tempDir('warren-core-0.1.0.tgz', 'warren-amqp-0.1.0.tgz', 'warren-cli-0.1.0.tgz');
    const cwd = tempDir();
    const io = memoryIo({ cwd, env: { npm_config_user_agent: 'pnpm/12.4.2 npm/? node/v20.20.2 linux x64' } });
    expect(await runCli(argv('new', 'app', '--no-install', '--from', packs), io)).toBe(0);
    const manifest = JSON.parse(readFileSync(join(cwd, 'app/package.json'), 'utf8'));
    expect(manifest.dependencies['@warren/cli']).toBe(`file:${join(packs, 'warren-cli-0.1.0.tgz')}`);
    expect(existsSync(join(cwd, 'app/pnpm-workspace.yaml'))).toBe(true);
    expect(io.stdout).toEqual(expect.arrayContaining(['  pnpm install', expect.stringMatching(/^ {2}pnpm test +# /), expect.stringMatching(/^ {2}pnpm start +# /)]));
  });
});
