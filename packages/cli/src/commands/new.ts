/*
 * `warren new <dir>`: scaffolds a runnable project (scaffold/scaffold-project.ts) and runs
 * `npm install` in it unless --no-install. Refuses a non-empty directory without --force (exit 2).
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { WarrenError } from '@warren/core';
import type { CliContext } from '../cli-context.js';
import { cliVersion } from '../cli-version.js';
import { scaffoldProject } from '../scaffold/scaffold-project.js';
import { resolveTargetDir } from '../scaffold/target-dir.js';

interface NewOptions {
  readonly force?: boolean;
  readonly install: boolean;
}

export function registerNewCommand(program: Command, context: CliContext): void {
  program
    .command('new')
    .description('create a new Warren project: a job, a service, a test, warren.yaml')
    .argument('<dir>', 'directory to create (must be empty unless --force)')
    .option('--force', 'write into a non-empty directory, overwriting files with the same names')
    .option('--no-install', 'do not run npm install')
    .action(async (dir: string, options: NewOptions) => {
      const { io } = context;
      const targetDir = resolveTargetDir(io.cwd, dir);
      const files = scaffoldProject({ targetDir, warrenVersion: cliVersion(), force: options.force === true });
      io.out(`created ${targetDir}`);
      for (const file of files) io.out(`  ${file}`);
      if (options.install) {
        io.out('installing dependencies (npm install)...');
        await npmInstall(targetDir);
      }
      io.out('');
      io.out('next steps:');
      io.out(`  cd ${dir}`);
      if (!options.install) io.out('  npm install');
      io.out('  npm test      # builds and runs the example job on the in-memory driver');
      io.out('  npm start     # builds and runs the worker (warren run)');
    });
}

function npmInstall(cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npm', ['install'], { cwd, stdio: 'inherit' });
    child.once('error', (error) => reject(installFailed(cwd, error)));
    child.once('exit', (code) => (code === 0 ? resolvePromise() : reject(installFailed(cwd, new Error(`npm install exited with ${code}`)))));
  });
}

function installFailed(cwd: string, cause: Error): WarrenError {
  return new WarrenError('WARREN_ERR_CLI_INSTALL_FAILED', `npm install failed in ${cwd}: ${cause.message}`, { cause });
}
