/*
 * `warren new <dir>`: scaffolds a runnable project (scaffold/scaffold-project.ts) and installs its
 * dependencies unless --no-install, with --pm or the package manager that ran warren
 * (scaffold/package-manager.ts), from packed tarballs with --from (scaffold/local-packages.ts).
 * Refuses a non-empty directory without --force (exit 2).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { WarrenError } from '@warren/core';
import type { CliContext } from '../cli-context.js';
import { cliVersion } from '../cli-version.js';
import { findLocalPackages, useLocalPackages } from '../scaffold/local-packages.js';
import { detectPackageManager, installCommand, parsePackageManager, runScript, type PackageManager } from '../scaffold/package-manager.js';
import { scaffoldProject } from '../scaffold/scaffold-project.js';
import { resolveTargetDir } from '../scaffold/target-dir.js';

interface NewOptions {
  readonly force?: boolean;
  readonly install: boolean;
  readonly pm?: PackageManager;
  readonly from?: string;
}

export function registerNewCommand(program: Command, context: CliContext): void {
  program
    .command('new')
    .description('create a new Warren project: a job, a service, a test, warren.yaml')
    .argument('<dir>', 'directory to create (must be empty unless --force)')
    .option('--force', 'write into a non-empty directory, overwriting files with the same names')
    .option('--no-install', 'do not install dependencies')
    .option('--pm <name>', 'npm, pnpm or yarn (default: the one that ran warren, else npm)', parsePackageManager)
    .option('--from <dir>', 'install @warren/core, amqp and cli from the tarballs packed into <dir> (unpublished versions)')
    .action(async (dir: string, options: NewOptions) => {
      const { io } = context;
      const targetDir = resolveTargetDir(io.cwd, dir);
      const packageManager = options.pm ?? detectPackageManager(io.env.npm_config_user_agent);
      // Before writing anything: a bad --from is a usage error, not a half-made project.
      const localPackages = options.from === undefined ? undefined : findLocalPackages(resolve(io.cwd, options.from));
      const files = scaffoldProject({ targetDir, warrenVersion: cliVersion(), force: options.force === true });
      if (localPackages) useLocalPackages(targetDir, localPackages, packageManager);
      io.out(`created ${targetDir}`);
      for (const file of files) io.out(`  ${file}`);
      if (options.install) {
        io.out(`installing dependencies (${packageManager} install)...`);
        await install(packageManager, targetDir);
      }
      io.out('');
      io.out('next steps:');
      io.out(`  cd ${dir}`);
      if (!options.install) io.out(`  ${packageManager} install`);
      io.out(`  ${runScript(packageManager, 'test').padEnd(12)}  # builds and runs the example job's test on the in-memory driver`);
      io.out(`  ${runScript(packageManager, 'start').padEnd(12)}  # runs the built worker (node dist/main.js = warren run); build first with ${runScript(packageManager, 'build')}`);
    });
}

function install(packageManager: PackageManager, cwd: string): Promise<void> {
  const { command, args, shell } = installCommand(packageManager);
  const label = `${command} ${args.join(' ')}`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', shell });
    child.once('error', (error) => reject(installFailed(label, cwd, error)));
    child.once('exit', (code) => (code === 0 ? resolvePromise() : reject(installFailed(label, cwd, new Error(`${label} exited with ${code}`)))));
  });
}

function installFailed(label: string, cwd: string, cause: Error): WarrenError {
  return new WarrenError('WARREN_ERR_CLI_INSTALL_FAILED', `${label} failed in ${cwd}: ${cause.message}`, {
    cause,
    hint: `Run \`${label}\` in ${cwd} to see the error, or pass --no-install.`,
  });
}
