import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fillPlaceholders, packageNameFrom, scaffoldProject } from '../../../src/scaffold/scaffold-project.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-new-'));
  dirs.push(dir);
  return dir;
}

describe('scaffoldProject', () => {
  it('writes a project that depends on this version of the three packages', () => {
    const target = join(tempDir(), 'My App');
    const files = scaffoldProject({ targetDir: target, warrenVersion: '1.2.3', force: false });
    // The project's files; a Dockerfile added to templates/app would be listed here too.
    expect(files).toEqual([
      '.gitignore', 'Dockerfile', 'README.md', 'package.json', 'src/bootstrap.ts', 'src/jobs/send-welcome-email.ts', 'src/main.ts',
      'src/services/mailer.ts', 'src/test/send-welcome-email.test.ts', 'tsconfig.json', 'warren.yaml',
    ]);
    const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('my-app');
    expect(manifest.dependencies).toMatchObject({ '@warren/core': '^1.2.3', '@warren/amqp': '^1.2.3', '@warren/cli': '^1.2.3' });
    expect(manifest.devDependencies.typescript).toBe('7.0.2');
    // start runs built JavaScript only: `npm ci --omit=dev && npm start` needs no TypeScript, and no pre-hooks
    // (pnpm and yarn berry skip them).
    expect(manifest.scripts).toMatchObject({ build: 'tsc', start: 'node dist/main.js', test: 'tsc && node --test dist/test/*.test.js' });
    expect(Object.keys(manifest.scripts).filter((name) => name.startsWith('pre'))).toEqual([]);
    expect(readFileSync(join(target, 'src/main.ts'), 'utf8')).toContain("'warren', 'run'");
    const tsconfig = JSON.parse(readFileSync(join(target, 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions).toMatchObject({ experimentalDecorators: true, emitDecoratorMetadata: true, module: 'NodeNext', outDir: 'dist' });
    const yaml = readFileSync(join(target, 'warren.yaml'), 'utf8');
    expect(yaml).toContain('driver: memory');
    expect(yaml).toContain('# amqp:');
    expect(yaml).toContain('modules: ["dist/jobs/**/*.js"]');
  });

  it('refuses a non-empty directory unless forced', () => {
    const target = tempDir();
    writeFileSync(join(target, 'keep.txt'), 'mine');
    expect(() => scaffoldProject({ targetDir: target, warrenVersion: '1.0.0', force: false })).toThrow(
      expect.objectContaining({ code: 'WARREN_ERR_CLI_NOT_EMPTY' }),
    );
    scaffoldProject({ targetDir: target, warrenVersion: '1.0.0', force: true });
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('mine');
  });
});

describe('template helpers', () => {
  it.each([
    ['My App', 'my-app'],
    ['.hidden', 'hidden'],
    ['___', 'warren-app'],
    ['jobs.v2', 'jobs.v2'],
  ])('turns directory %j into package name %j', (dir, name) => {
    expect(packageNameFrom(dir)).toBe(name);
  });

  it('fails on a placeholder without a value', () => {
    expect(fillPlaceholders('{{a}}-{{b}}', { a: '1', b: '2' })).toBe('1-2');
    expect(() => fillPlaceholders('{{missing}}', {})).toThrow(/missing/);
  });
});
