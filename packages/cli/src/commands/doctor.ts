/*
 * `warren doctor [-c file] [--connect]`: prints every config diagnostic with its key path and fix.
 * Exit 2 on any error, 0 for warnings alone; with --connect, 1 when a driver cannot reach its broker
 * or finds a mismatched queue.
 */
import type { Command } from 'commander';
import { createSilentLogger, hasErrors, loadConfig, runDoctor } from '@warren/core';
import type { CliContext } from '../cli-context.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatDiagnostics } from '../output/format-diagnostics.js';
import { checkConnections } from '../runtime/check-connections.js';
import { configOption, resolveConfigPath } from '../runtime/config-path.js';
import { loadJobInfos } from '../runtime/load-job-infos.js';
import { parseDurationOption } from '../runtime/parse-options.js';
import { registerDriverPackages } from '../runtime/register-driver-packages.js';

interface DoctorOptions {
  readonly config: string;
  readonly connect?: boolean;
  readonly connectTimeout: string;
}

export function registerDoctorCommand(program: Command, context: CliContext): void {
  program
    .command('doctor')
    .description('check warren.yaml (and with --connect, the broker); exit 2 on config errors')
    .addOption(configOption())
    .option('--connect', 'also connect to each broker and check that existing queues match')
    .option('--connect-timeout <duration>', 'how long a broker may take to answer', '10s')
    .action(async (options: DoctorOptions) => {
      const { io } = context;
      await registerDriverPackages();
      const file = resolveConfigPath(io.cwd, options.config);
      let diagnostics = await runDoctor({ source: file, env: io.env });
      if (!hasErrors(diagnostics)) {
        // Job-to-pipeline bindings can only be checked with the handler modules loaded.
        const jobs = await loadJobInfos(file, io.env);
        if (jobs.ok) diagnostics = await runDoctor({ source: file, env: io.env, jobs: jobs.jobs });
        else if (jobs.diagnostic) diagnostics = [jobs.diagnostic, ...diagnostics];
        else io.out(`note: job modules not loaded (${jobs.reason}); job bindings were not checked`);
      }
      for (const line of formatDiagnostics(diagnostics, { file, cwd: io.cwd })) io.out(line);
      if (hasErrors(diagnostics)) {
        context.exitCode = EXIT_CODES.usage;
        return;
      }
      if (!options.connect) return;
      const { config } = await loadConfig(file, { env: io.env });
      if (!config) return; // unreachable: no errors above means the config loads
      const results = await checkConnections(config, { logger: createSilentLogger(), timeoutMs: parseDurationOption(options.connectTimeout, '--connect-timeout') });
      for (const result of results) {
        io.out(`${result.ok ? 'ok   ' : 'FAIL '} driver ${result.driver}: ${result.detail}`);
        for (const finding of result.findings ?? []) io.out(`        ${finding.status.padEnd(8)} queue ${finding.queue} (pipeline ${finding.pipeline}): ${finding.detail}`);
      }
      if (results.some((result) => !result.ok)) context.exitCode = EXIT_CODES.failure;
    });
}
