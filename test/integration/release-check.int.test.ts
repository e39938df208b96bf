/*
 * `pnpm release:check` as part of `pnpm test`: the tarball rules on hand-made packages (each rule
 * can fail), then the real check — pack, install into a fresh CommonJS npm app with tsyringe 4.8.0,
 * build it, run one job on RabbitMQ (slow: one npm install).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkApiReference, checkDocs } from '../../scripts/release/check-docs.mjs';
import { checkPackage } from '../../scripts/release/check-package.mjs';
import { REPO_ROOT, TEST_AMQP_URL } from './cli-harness.js';

const exec = promisify(execFile);

/** A package that passes every rule; each row below breaks one. */
function fitPackage(): Map<string, string> {
  const manifest = {
    name: '@warren/fit', version: '1.2.3', description: 'd', license: 'MIT', keywords: ['warren'], homepage: 'h', bugs: { url: 'b' },
    repository: { url: 'r' }, publishConfig: { access: 'public' }, engines: { node: '>=20' }, types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } }, peerDependencies: { tsyringe: '^4.8.0' },
  };
  return new Map([
    ['package.json', JSON.stringify(manifest)],
    ['README.md', '# fit'], ['LICENSE', 'MIT'], ['CHANGELOG.md', '## 1.2.3\n'],
    ['dist/index.js', "import { container } from 'tsyringe';\n//# sourceMappingURL=index.js.map"],
    ['dist/index.js.map', JSON.stringify({ version: 3, sources: ['../src/index.ts'] })],
    ['dist/index.d.ts', 'export {};'], ['src/index.ts', "import { container } from 'tsyringe';"],
  ]);
}

function withManifest(change: (manifest: Record<string, any>) => void): Map<string, string> {
  const files = fitPackage();
  const manifest = JSON.parse(files.get('package.json')!);
  change(manifest);
  return files.set('package.json', JSON.stringify(manifest));
}

describe('release check', () => {
  it('accepts a package that follows every rule', () => {
    expect(checkPackage(fitPackage())).toEqual([]);
  });

  it.each([
    ['source maps without their sources', () => { const f = fitPackage(); f.delete('src/index.ts'); return f; }, 'points at src/index.ts'],
    ['tsyringe as a plain dependency', () => withManifest((m) => { m.dependencies = { tsyringe: '^4.8.0' }; }), 'tsyringe is a dependency'],
    ['tsyringe imported but not a peer', () => withManifest((m) => { delete m.peerDependencies; }), 'peerDependencies does not list it'],
    ['no repository', () => withManifest((m) => { delete m.repository; }), 'no repository.url'],
    ['a restricted publish', () => withManifest((m) => { m.publishConfig = {}; }), 'no publishConfig.access = public'],
    ['a workspace: range', () => withManifest((m) => { m.dependencies = { '@warren/core': 'workspace:^' }; }), 'still "workspace:^"'],
    ['no changelog entry for the version', () => fitPackage().set('CHANGELOG.md', '## 1.2.2\n'), 'no "## 1.2.3" section'],
    ['a reference to DESIGN.md', () => fitPackage().set('dist/index.d.ts', '/** as in DESIGN.md */'), 'refers to "DESIGN.md"'],
    ['a reference to an issue', () => fitPackage().set('README.md', 'see issue #16'), 'refers to "issue #16"'],
    ['an entry point that is not shipped', () => { const f = fitPackage(); f.delete('dist/index.d.ts'); return f; }, 'dist/index.d.ts (named in package.json)'],
    ['a test file', () => fitPackage().set('dist/test/a.test.js', ''), 'is a test file'],
  ])('refuses %s', (_label, build, problem) => {
    expect(checkPackage(build()).join('\n')).toContain(problem);
  });

  it('finds references readers cannot follow, and exports the API reference does not describe', () => {
    const docs = new Map([
      ['README.md', 'See [the config](docs/config.md), [a gap](docs/missing.md#top) and `DESIGN.md` in code.'],
      ['docs/config.md', 'As DESIGN.md says, and issue #6.'],
    ]);
    expect(checkDocs(docs, (path) => docs.has(path))).toEqual([
      'README.md links to docs/missing.md#top, which does not exist',
      'docs/config.md refers to "DESIGN.md", which readers cannot open',
    ]);
    expect(checkApiReference('@warren/x', ['Warren', 'AMQP_CODES', 'replyCodes', 'createThing', 'gone'], '### Warren\n### AMQP\\_CODES\n### createThing()\n- [replyCodes](x.md)')).toEqual([
      '@warren/x exports gone, which docs/api does not describe (run pnpm docs:api)',
    ]);
  });

  it('packs, installs into a fresh CommonJS npm app with its own tsyringe 4.8.0 and runs a job on RabbitMQ', async () => {
    const startedAt = Date.now();
    const env = { ...process.env, AMQP_URL: TEST_AMQP_URL };
    const result = await exec(process.execPath, [join(REPO_ROOT, 'scripts/release-check.mjs')], { cwd: REPO_ROOT, env, timeout: 280_000 })
      .catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: `${error.stderr ?? ''}\n(exited non-zero)` }));
    console.log(`release check: ${((Date.now() - startedAt) / 1000).toFixed(1)} s wall\n${result.stdout}`);
    expect(result.stderr, result.stdout).not.toContain('release check failed');
    expect(result.stdout).toMatch(/ran job \S+ on RabbitMQ with its own bootstrap registration/);
    expect(result.stdout).toMatch(/release check: ok in/);
  }, 300_000);
});
