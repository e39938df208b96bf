/*
 * The newcomer's path, end to end (slow: one test): `warren new --pm npm --from <packs>` installs the
 * packed @warren/core, @warren/amqp and @warren/cli tarballs → npm test (builds) → switch warren.yaml
 * to RabbitMQ → the project's built entry point (`npm start` = node dist/main.js) handles a job sent
 * with its `warren push`, and exits 0 on SIGTERM.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, WarrenProcess, deleteQueues, runWarren, startedPort, uniqueName } from './cli-harness.js';

const exec = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'warren-new-e2e-'));
const queue = uniqueName('warren.cli.new');
const processes: WarrenProcess[] = [];

afterAll(async () => {
  for (const process of processes) await process.kill();
  rmSync(work, { recursive: true, force: true });
  await deleteQueues(queue, `${queue}.dlq`);
});

/** Runs a command in `cwd`; on failure the error carries its output. */
async function sh(file: string, args: string[], cwd: string, timeoutMs = 180_000): Promise<string> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
    return `${stdout}\n${stderr}`;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
}

/** The project's own `warren` (from its node_modules), as a user's `npx warren` would run it. */
function projectWarren(app: string, args: string[]): WarrenProcess {
  const bin = join(app, 'node_modules/@warren/cli/dist/bin.js');
  return trackProcess(spawn(process.execPath, [bin, ...args], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] }));
}

function trackProcess(child: ChildProcess): WarrenProcess {
  const warren = new WarrenProcess(child);
  processes.push(warren);
  return warren;
}

/** Uncomments the amqp section and moves the pipeline to RabbitMQ, as the project README says. */
function switchToRabbitMq(app: string): void {
  const file = join(app, 'warren.yaml');
  const yaml = readFileSync(file, 'utf8')
    .replace('# amqp:\n#   urls:', 'amqp:\n  urls:')
    .replace(/\n {6}driver: memory\n/, '\n')
    .replace('# driver: amqp\n      # options: { queue: emails, prefetch: 10 }', `driver: amqp\n      options: { queue: ${queue}, prefetch: 10 }`);
  expect(yaml).toContain(`options: { queue: ${queue}, prefetch: 10 }`);
  writeFileSync(file, yaml);
}

describe('warren new', () => {
  it('creates a project that installs from packed tarballs, passes its test and runs a pushed job from its built entry point', async () => {
    const packs = join(work, 'packs');
    for (const pkg of ['core', 'amqp', 'cli']) await sh('pnpm', ['pack', '--pack-destination', packs], join(REPO_ROOT, 'packages', pkg));
    const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz')).map((f) => join(packs, f));
    expect(tarballs).toHaveLength(3);

    const created = await runWarren(['new', 'app', '--pm', 'npm', '--from', packs], work, 240_000);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('installing dependencies (npm install)...');
    const app = join(work, 'app');
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).dependencies['@warren/core']).toBe(`file:${join(packs, 'warren-core-0.1.0.tgz')}`);
    expect(await sh('npm', ['test'], app)).toMatch(/# pass 1\n# fail 0/);

    switchToRabbitMq(app);
    // What `npm start` runs, without npm in between (npm does not pass SIGTERM on to its script).
    const worker = trackProcess(spawn(process.execPath, ['dist/main.js', '--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] }));
    await startedPort(worker);
    const push = projectWarren(app, ['push', 'emails.welcome', '{"email":"ada@example.com"}']);
    expect(await push.exitCode(), push.transcript()).toBe(0);
    const id = /^pushed emails\.welcome (\S+)$/.exec(push.stdout[0] ?? '')?.[1];
    expect(id).toBeDefined();

    const handled = await worker.waitForLog((log) => log.msg === 'welcome email sent', 'the pushed job to be handled');
    expect(handled).toMatchObject({ jobId: id, email: 'ada@example.com' });
    expect(worker.stdout).toContain('[mailer] to=ada@example.com subject="Welcome aboard!"');
    worker.child.kill('SIGTERM');
    expect(await worker.exitCode()).toBe(0);
  }, 420_000);
});
