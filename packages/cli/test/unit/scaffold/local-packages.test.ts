import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findLocalPackages, useLocalPackages } from '../../../src/scaffold/local-packages.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-from-'));
  dirs.push(dir);
  for (const file of files) writeFileSync(join(dir, file), '');
  return dir;
}

describe('warren new --from', () => {
  it('finds the three tarballs pnpm pack writes, ignoring other packages', () => {
    const dir = tempDir('warren-core-0.1.0.tgz', 'warren-amqp-0.1.0.tgz', 'warren-cli-0.1.0.tgz', 'warren-core-extra-1.0.0.tgz', 'notes.txt');
    expect(findLocalPackages(dir)).toEqual({
      '@warren/core': `file:${join(dir, 'warren-core-0.1.0.tgz')}`,
      '@warren/amqp': `file:${join(dir, 'warren-amqp-0.1.0.tgz')}`,
      '@warren/cli': `file:${join(dir, 'warren-cli-0.1.0.tgz')}`,
    });
  });

  it('refuses a directory that lacks one of them as a usage error naming it', () => {
    const dir = tempDir('warren-core-0.1.0.tgz', 'warren-cli-0.1.0.tgz');
    expect(() => findLocalPackages(dir)).toThrow(expect.objectContaining({ code: 'WARREN_ERR_CLI_INVALID', message: expect.stringContaining('warren-amqp-<version>.tgz') }));
    expect(() => findLocalPackages(join(dir, 'nowhere'))).toThrow(expect.objectContaining({ code: 'WARREN_ERR_CLI_INVALID' }));
  });

  it('points the dependencies and every manager\'s overrides at the tarballs', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { '@warren/core': '^0.1.0', tsyringe: '^4.10.0' } }));
    const specs = { '@warren/core': 'file:/p/warren-core-0.1.0.tgz', '@warren/amqp': 'file:/p/warren-amqp-0.1.0.tgz' };
    useLocalPackages(dir, specs, 'npm');
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toEqual({ '@warren/core': 'file:/p/warren-core-0.1.0.tgz', tsyringe: '^4.10.0' });
    expect(manifest.overrides).toEqual(specs);
    expect(manifest.resolutions).toEqual(specs);
    expect(existsSync(join(dir, 'pnpm-workspace.yaml'))).toBe(false);
    useLocalPackages(dir, specs, 'pnpm');
    expect(readFileSync(join(dir, 'pnpm-workspace.yaml'), 'utf8')).toContain(
      'overrides:\n  "@warren/core": "file:/p/warren-core-0.1.0.tgz"\n  "@warren/amqp": "file:/p/warren-amqp-0.1.0.tgz"\n',
    );
  });
});
