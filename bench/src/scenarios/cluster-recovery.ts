/*
 * Recovery on a 3-node cluster: runs the suite's own cluster chaos scenarios (test/nodes/cluster-chaos.int.test.ts:
 * a worker on quorum queues at ~100 jobs/s; the stop_app of the node it is connected to, and the SIGKILL of that node)
 * and reads back the time from each fault until 100 more jobs were handled. The test starts and stops its own nodes
 * (never the default broker) and fails if a job is lost, so a figure exists only for a run that lost nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ClusterRecoveryResult {
  readonly stopAppMs: number;
  readonly killMs: number;
}

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TEST_FILE = 'test/nodes/cluster-chaos.int.test.ts';

export async function measureClusterRecovery(): Promise<ClusterRecoveryResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'warren-bench-cluster-'));
  const out = path.join(dir, 'figures.json');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', TEST_FILE, '-t', 'fails over|SIGKILLed'], {
        cwd: REPO_ROOT, env: { ...process.env, WARREN_BENCH_CLUSTER_OUT: out }, stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`${TEST_FILE} failed (exit ${code}); its output above says why`);
    const figures = JSON.parse(readFileSync(out, 'utf8')) as Partial<ClusterRecoveryResult>;
    if (figures.stopAppMs === undefined || figures.killMs === undefined) throw new Error(`${TEST_FILE} reported no figures: ${JSON.stringify(figures)}`);
    return { stopAppMs: figures.stopAppMs, killMs: figures.killMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
