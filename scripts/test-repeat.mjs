#!/usr/bin/env node
/*
 * test:repeat — runs one test file n times in a row (each run a fresh vitest process) and reports how many
 * failed, keeping each failed run's output. For hunting flaky tests; not part of `pnpm test`.
 * Usage: pnpm test:repeat <file> [-n 20] [-t "test name pattern"]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
let runs = 20;
let namePattern;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '-n') runs = Number(args[++i]);
  else if (args[i] === '-t') namePattern = args[++i];
  else files.push(args[i]);
}
if (files.length !== 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: pnpm test:repeat <file> [-n 20] [-t "test name pattern"]');
  process.exit(2);
}
const [file] = files;
const outDir = join('.test-repeat', `${Date.now()}`);
mkdirSync(outDir, { recursive: true });
const failures = [];
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const vitestArgs = ['vitest', 'run', file, '--reporter=default', ...(namePattern ? ['-t', namePattern] : [])];
  const result = spawnSync('npx', vitestArgs, { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  if (!ok) {
    const log = join(outDir, `run-${run}.log`);
    writeFileSync(log, `${result.stdout}\n${result.stderr}`);
    failures.push({ run, log });
  }
  console.log(`run ${run}/${runs}: ${ok ? 'passed' : `FAILED (output in ${join(outDir, `run-${run}.log`)})`} in ${seconds}s`);
}
console.log(`${file}: ${runs - failures.length} of ${runs} runs passed${failures.length ? `; failed runs: ${failures.map((f) => f.run).join(', ')}` : ''}`);
process.exit(failures.length === 0 ? 0 : 1);
