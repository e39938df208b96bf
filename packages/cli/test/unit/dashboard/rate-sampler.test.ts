import { describe, expect, it } from 'vitest';
import { RateSampler } from '../../../src/dashboard/rate-sampler.js';

const line = (succeeded: number) => `warren_jobs_total{pipeline="emails",job="e",outcome="succeeded",reason=""} ${succeeded}`;

function sampler(texts: Array<string | Error>) {
  let nowMs = 0;
  let reads = 0;
  const rates = new RateSampler({
    source: 'workers',
    minIntervalMs: 1_000,
    now: () => nowMs,
    read: async () => {
      const next = texts[reads++];
      if (next instanceof Error) throw next;
      return [next ?? ''];
    },
  });
  return { rates, advance: (ms: number) => (nowMs += ms), reads: () => reads };
}

describe('RateSampler', () => {
  it('has no rates after one reading and per-second rates after the second', async () => {
    const { rates, advance } = sampler([line(10), line(30)]);
    expect((await rates.reading()).byPipeline).toBeUndefined();
    advance(2_000);
    expect((await rates.reading()).byPipeline?.get('emails')?.succeeded).toBe(10);
  });

  it('reads the counters at most once per interval however often it is asked', async () => {
    const { rates, advance, reads } = sampler([line(1), line(2), line(3)]);
    await Promise.all([rates.reading(), rates.reading()]);
    advance(500);
    await rates.reading();
    expect(reads()).toBe(1);
    advance(500);
    await rates.reading();
    expect(reads()).toBe(2);
  });

  it('reports a failed reading and keeps the last rates', async () => {
    const { rates, advance } = sampler([line(0), line(4), new Error('http://w:9400/metrics did not answer')]);
    await rates.reading();
    advance(1_000);
    await rates.reading();
    advance(1_000);
    const reading = await rates.reading();
    expect(reading.error).toBe('http://w:9400/metrics did not answer');
    expect(reading.byPipeline?.get('emails')?.succeeded).toBe(4);
  });
});
