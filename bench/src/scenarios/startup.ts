/*
 * Startup: time from spawning `warren run -c <yaml> --port 0` (the CLI, with the bench's no-op job
 * module) until GET /ready answers 200. The port is read from the startup log line. The process
 * is then stopped with SIGTERM and its queues deleted.
 */
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { deleteQueues } from '../support/delete-queues.js';
import type { SideSettings } from '../support/bench-side.js';

const DIST_DIR = fileURLToPath(new URL('../', import.meta.url));
const CLI_BIN = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const DEADLINE_MS = 30_000;

function startupYaml(settings: SideSettings): string {
  return [
    'version: 1',
    `amqp: { urls: ["${settings.amqpUrl}"], connection_name: warren-bench-startup }`,
    'jobs:',
    '  modules: ["jobs/noop-job.js"]',
    '  consume: [bench]',
    '  pipelines:',
    `    bench: { driver: amqp, concurrency: ${settings.concurrency}, options: { queue: ${settings.queue}, prefetch: ${settings.prefetch} } }`,
    'log: { level: info }',
    '',
  ].join('\n');
}

async function pollReady(port: number, untilMs: number): Promise<void> {
  while (performance.now() < untilMs) {
    const status = await fetch(`http://127.0.0.1:${port}/ready`).then((response) => response.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('warren run never reported /ready 200');
}

/** Milliseconds from spawn to the first /ready 200. */
export async function measureStartup(settings: SideSettings): Promise<number> {
  const configPath = `${DIST_DIR}.startup-${settings.queue}.yaml`;
  await writeFile(configPath, startupYaml(settings));
  const startMs = performance.now();
  const child = spawn(process.execPath, [CLI_BIN, 'run', '-c', configPath, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        const match = /"port":(\d+),"msg"/.exec(output);
        if (match) resolve(Number(match[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then((code) => reject(new Error(`warren run exited (${code}) before starting:\n${output.slice(-2_000)}`)));
      setTimeout(() => reject(new Error('warren run printed no port')), DEADLINE_MS).unref();
    });
    await pollReady(port, startMs + DEADLINE_MS);
    return performance.now() - startMs;
  } finally {
    child.kill('SIGTERM');
    await exited;
    await rm(configPath, { force: true });
    await deleteQueues(settings.amqpUrl, [settings.queue, `${settings.queue}.dlq`]);
  }
}
