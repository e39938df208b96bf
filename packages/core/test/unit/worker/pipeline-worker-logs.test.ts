import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Job } from '../../../src/job/job-decorator.js';
import { createLogger } from '../../../src/logging/logger.js';
import { startWorker } from '../../fakes/worker-harness.js';

@Job('logs.noop')
class NoopJob {
  handle() {}
}

function capturedLogger(level: 'info' | 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

describe('PipelineWorker logs', () => {
  it('writes one info line when a pipeline starts and one when it stops; state changes only at debug', async () => {
    const { logger, lines } = capturedLogger('info');
    const harness = await startWorker({ jobs: [NoopJob], concurrency: 3, logger });
    await harness.close();
    expect(lines.map((line) => [line.event, line.msg])).toEqual([
      ['worker.started', 'pipeline "work" consuming (concurrency 3)'],
      ['worker.stopped', 'pipeline "work" stopped (drained)'],
    ]);
    expect(lines.every((line) => line.pipeline === 'work')).toBe(true);
  });

  it('still logs each state change at debug', async () => {
    const { logger, lines } = capturedLogger('debug');
    const harness = await startWorker({ jobs: [NoopJob], logger });
    await harness.close();
    expect(lines.filter((line) => line.msg === 'worker state').map((line) => line.to)).toEqual(['running', 'stopping', 'draining', 'stopped']);
  });
});
