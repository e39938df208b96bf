/*
 * The benchmark's no-op @Job: reports "handler started" and returns. Bound to pipeline `bench`;
 * each measurement maps that pipeline to its own queue (or to the memory driver) in its config.
 * Also loaded by `warren run` in the startup measurement (jobs.modules).
 */
import { Job, type JobHandler } from '@warren/core';
import type { BenchPayload } from '../support/bench-payload.js';
import { reportHandled } from '../support/handled-probe.js';

@Job('bench.noop', { pipeline: 'bench', attempts: 1 })
export class BenchNoopJob implements JobHandler<BenchPayload> {
  async handle(payload: BenchPayload): Promise<void> {
    reportHandled(payload);
  }
}
