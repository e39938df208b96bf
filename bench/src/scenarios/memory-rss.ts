/*
 * Memory: forks a child (child/rss-worker.ts) for one side and one mode — idle RSS, or peak RSS while
 * jobs flow end to end and RSS after the run. Children never share a heap with the parent or with each other.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RssWorkerInput, RssWorkerReport } from '../child/rss-worker.js';

const WORKER_PATH = fileURLToPath(new URL('../child/rss-worker.js', import.meta.url));

/** A child that has not reported by then (e.g. stuck connecting to a broker that is down) is killed. */
function deadlineMs(input: RssWorkerInput): number {
  return input.mode === 'idle' ? (input.idleSeconds + 60) * 1_000 : 360_000;
}

export function measureRss(input: RssWorkerInput): Promise<RssWorkerReport> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER_PATH, [JSON.stringify(input)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: RssWorkerReport | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs(input));
    child.on('message', (message) => (report = message as RssWorkerReport));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && report) resolve(report);
      else reject(new Error(`the ${input.side} ${input.mode} memory child exited with ${signal === 'SIGKILL' ? `no report within ${deadlineMs(input)} ms` : `code ${code}`}`));
    });
  });
}
