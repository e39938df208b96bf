/*
 * Warren's packages load their CommonJS dependencies (reflect-metadata, tsyringe, pino, opossum, amqplib, commander) with
 * require(), never with an ESM import: an ESM import makes Node scan the package's source with cjs-module-lexer,
 * which cost an idle worker ~3.5 MB of resident memory (bench/PERF-NOTES.md). Checked on the built packages in a
 * fresh Node process with a module hook that reports every CommonJS module reaching the ESM loader.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOOK = new URL('../support/commonjs-load-hook.mjs', import.meta.url).href;

/** Imports `entries` (files under the repository) in a child process; returns the CommonJS modules that went through ESM. */
function commonJsLoadedThroughEsm(entries: readonly string[]): string[] {
  const script = [
    `import { register } from 'node:module';`,
    `register(${JSON.stringify(HOOK)});`,
    ...entries.map((entry) => `await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, entry)).href)});`),
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  expect(child.status, child.stderr).toBe(0);
  return child.stderr.split('\n').filter((line) => line.startsWith('commonjs-via-esm ')).map((line) => line.slice('commonjs-via-esm '.length));
}

describe('CommonJS dependencies are required, not imported', () => {
  it('@warren/core, @warren/amqp and @warren/cli send no CommonJS module through the ESM loader', () => {
    expect(commonJsLoadedThroughEsm(['packages/core/dist/index.js', 'packages/amqp/dist/index.js', 'packages/cli/dist/index.js'])).toEqual([]);
  });

  it('the hook does see an ESM import of a CommonJS package (the check above can fail)', () => {
    const pino = createRequire(join(REPO_ROOT, 'packages/core/package.json')).resolve('pino');
    const seen = commonJsLoadedThroughEsm([pino.slice(REPO_ROOT.length)]);
    expect(seen).toContain(pathToFileURL(pino).href);
  });
});
