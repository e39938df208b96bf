#!/usr/bin/env node
/*
 * `pnpm release:check`: what a user gets from npm, checked before publishing. Checks the docs
 * (release/check-docs.mjs: no references readers cannot follow, docs/api current), packs @warren/core,
 * @warren/amqp and @warren/cli (from their built dist), checks each tarball (release/check-package.mjs),
 * installs the tarballs into a fresh `npm init -y` project (CommonJS) with its own, older tsyringe,
 * builds a TypeScript app there and runs one job end to end on RabbitMQ (AMQP_URL, else
 * WARREN_TEST_AMQP_URL, else the local broker). Exit 0 when everything holds, 1 otherwise.
 * `--keep` leaves the temporary directory for a look. Does not build (the pnpm script does).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { checkApiReference, checkDocs } from './release/check-docs.mjs';
import { checkPackage } from './release/check-package.mjs';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['core', 'amqp', 'cli', 'nestjs'];
/** What the end-to-end app installs (the NestJS adapter is packed and checked, not installed: it would pull in Nest). */
const APP_PACKAGES = ['core', 'amqp', 'cli'];
/** Older than the workspace's own (^4.10.0) yet inside the peer range: the app's copy must be the one Warren uses. */
export const APP_TSYRINGE = '4.8.0';
const APP_DEPENDENCIES = [`tsyringe@${APP_TSYRINGE}`, 'reflect-metadata@0.2.2', '@types/node@^20.19.0'];
const AMQP_URL = process.env.AMQP_URL ?? process.env.WARREN_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** The child's environment: this process's, minus the npm_* variables pnpm set for itself, and quiet npm. */
function childEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

async function run(file, args, cwd, extraEnv) {
  try {
    const { stdout } = await exec(file, args, { cwd, env: childEnv(extraEnv), maxBuffer: 16 * 1024 * 1024, timeout: 240_000 });
    return stdout;
  } catch (error) {
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}${error.stderr ?? ''}`, { cause: error });
  }
}

function readTree(dir) {
  const files = new Map();
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** Markdown files a reader of the repository or a package sees (not dependencies, builds or scratch directories). */
function readDocs() {
  const docs = new Map();
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory() && !entry.name.startsWith('.') && !['node_modules', 'dist'].includes(entry.name)) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) docs.set(path, readFileSync(join(ROOT, path), 'utf8'));
    }
  };
  walk('');
  return docs;
}

async function checkDocumentation() {
  const problems = checkDocs(readDocs(), (path) => existsSync(join(ROOT, path)));
  for (const name of PACKAGES) {
    const exportNames = Object.keys(await import(pathToFileURL(join(ROOT, 'packages', name, 'dist/index.js')).href));
    const pages = [join(ROOT, 'docs/api/@warren', `${name}.md`), join(ROOT, 'docs/api/@warren', name)].filter(existsSync);
    const markdown = pages.flatMap((page) => (page.endsWith('.md') ? [page] : [...readTree(page).keys()].map((file) => join(page, file))))
      .map((file) => readFileSync(file, 'utf8')).join('\n');
    problems.push(...checkApiReference(`@warren/${name}`, exportNames, markdown));
  }
  return problems;
}

async function packAndCheck(work) {
  const packs = join(work, 'packs');
  mkdirSync(packs);
  for (const name of PACKAGES) await run('pnpm', ['pack', '--pack-destination', packs], join(ROOT, 'packages', name));
  const tarballs = readdirSync(packs).filter((file) => file.endsWith('.tgz')).map((file) => join(packs, file));
  const problems = [];
  for (const tarball of tarballs) {
    const unpacked = join(work, 'unpacked', tarball.split(/[\\/]/).pop());
    mkdirSync(unpacked, { recursive: true });
    await run('tar', ['xzf', tarball, '-C', unpacked], work);
    problems.push(...checkPackage(readTree(join(unpacked, 'package'))));
  }
  if (tarballs.length !== PACKAGES.length) problems.push(`expected ${PACKAGES.length} tarballs, packed ${tarballs.length}`);
  return { tarballs, problems };
}

/** The app's tsyringe is the only one, and @warren/core resolves to it. */
function assertOneTsyringe(app) {
  const requireFromCore = createRequire(join(app, 'node_modules/@warren/core/package.json'));
  const seen = requireFromCore.resolve('tsyringe/package.json');
  const expected = join(app, 'node_modules/tsyringe/package.json');
  if (seen !== expected) throw new Error(`@warren/core resolves tsyringe at ${seen}, not the app's ${expected}`);
  const { version } = JSON.parse(readFileSync(seen, 'utf8'));
  if (version !== APP_TSYRINGE) throw new Error(`the app's tsyringe is ${version}, expected ${APP_TSYRINGE}`);
}

async function deleteQueues(names) {
  const requireFromRoot = createRequire(join(ROOT, 'package.json'));
  const amqp = requireFromRoot('amqplib');
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteQueue(name);
  } finally {
    await connection.close();
  }
}

async function endToEnd(work, tarballs, timings) {
  const app = join(work, 'app');
  mkdirSync(app);
  await timed(timings, 'npm init', () => run('npm', ['init', '-y'], app));
  // What `npm init -y` writes today (npm 11), set explicitly so the CommonJS path is what is checked.
  const manifestPath = join(app, 'package.json');
  writeFileSync(manifestPath, `${JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), type: 'commonjs' }, null, 2)}\n`);
  const installed = tarballs.filter((file) => APP_PACKAGES.some((name) => file.split(/[\\/]/).pop().startsWith(`warren-${name}-`)));
  await timed(timings, 'npm install', () => run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...installed, ...APP_DEPENDENCIES], app));
  assertOneTsyringe(app);
  cpSync(join(ROOT, 'scripts/release/fixture-app'), app, { recursive: true });
  // The workspace's tsc (the version the scaffold pins) compiles it; installing the native compiler here adds ~30 MB.
  await timed(timings, 'tsc', () => run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], app));
  const queue = `warren.release-check.${process.pid}.${Date.now()}`;
  const env = { AMQP_URL, RELEASE_CHECK_QUEUE: queue };
  try {
    await timed(timings, 'warren doctor', () => run(process.execPath, ['node_modules/@warren/cli/dist/bin.js', 'doctor'], app, env));
    const output = await timed(timings, 'job on RabbitMQ', () => run(process.execPath, ['dist/main.js'], app, env));
    const id = /^dispatched (\S+), succeeded \1$/m.exec(output)?.[1];
    if (!id || !output.includes(`handled ${id}: hello from the app container, release check`)) {
      throw new Error(`the job did not run with the app's bootstrap registration:\n${output}`);
    }
    return id;
  } finally {
    await deleteQueues([queue, `${queue}.dlq`]);
  }
}

async function timed(timings, label, action) {
  const startedAt = Date.now();
  try {
    return await action();
  } finally {
    timings.push(`${label} ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }
}

async function main() {
  const startedAt = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'warren-release-'));
  const timings = [];
  let isOk = false;
  try {
    const docProblems = await timed(timings, 'docs', checkDocumentation);
    if (docProblems.length > 0) throw new Error(`the docs are not ready:\n  ${docProblems.join('\n  ')}`);
    const { tarballs, problems } = await timed(timings, 'pack', () => packAndCheck(work));
    if (problems.length > 0) throw new Error(`the tarballs are not ready:\n  ${problems.join('\n  ')}`);
    console.log(`release check: packed and checked ${tarballs.map((file) => file.split(/[\\/]/).pop()).join(', ')}`);
    const id = await endToEnd(work, tarballs, timings);
    console.log(`release check: a CommonJS npm app with tsyringe ${APP_TSYRINGE} ran job ${id} on RabbitMQ with its own bootstrap registration`);
    isOk = true;
  } catch (error) {
    console.error(`release check failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (process.argv.includes('--keep')) console.log(`release check: kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  console.log(`release check: ${isOk ? 'ok' : 'FAILED'} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${timings.join(', ')})`);
  return isOk ? 0 : 1;
}

process.exitCode = await main();
