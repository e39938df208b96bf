/*
 * `pnpm bench`: runs every measurement (run-rounds.ts), prints the tables, writes
 * bench/results/latest.json and latest.md, and exits 1 when a measurement failed or a job was lost.
 * Targets that are missed are reported, not fatal: the numbers are the product here.
 */
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { parseBenchOptions } from './bench-options.js';
import { formatResultsTable, formatTargetsTable } from './report/format-table.js';
import { machineFacts } from './report/machine-facts.js';
import { checkTargets } from './report/targets.js';
import { writeResults } from './report/write-results.js';
import { RUN_ID, runRounds } from './run-rounds.js';
import { installBrokerGuard } from './support/broker-control.js';

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  installBrokerGuard();
  const startedAt = new Date().toISOString();
  const machineBefore = await machineFacts();
  if (machineBefore.otherVitestProcesses > 0) {
    process.stderr.write(`bench: ${machineBefore.otherVitestProcesses} vitest processes are running; numbers will be noisy\n`);
  }
  const results = await runRounds(options);
  const targets = checkTargets(results);
  const record = { runId: RUN_ID, startedAt, finishedAt: new Date().toISOString(), options, machineBefore, machineAfter: await machineFacts(), results, targets };
  process.stdout.write(`\n${formatResultsTable(results)}\n\n${formatTargetsTable(targets)}\n\n`);
  // A quick run is for working, not for publishing: it never overwrites the committed latest.md.
  const dir = options.outDir ?? fileURLToPath(new URL(options.isQuick ? '../results/quick/' : '../results/', import.meta.url));
  const written = await writeResults(dir, record);
  process.stdout.write(`written: ${written.join(', ')}\n`);
  const lost = results.summary('recovery.lost', 'warren')?.max ?? 0;
  return results.errors.length > 0 || lost > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(2);
  },
);
