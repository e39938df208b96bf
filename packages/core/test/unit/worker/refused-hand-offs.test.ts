import { describe, expect, it } from 'vitest';
import { RefusedHandOffs } from '../../../src/worker/refused-hand-offs.js';

const retry = { outcome: { action: 'retry', delayMs: 1_000 } as const, error: new Error('flaky') };

describe('RefusedHandOffs', () => {
  it('returns a remembered outcome once, for the same job and attempt only', () => {
    const refused = new RefusedHandOffs();
    refused.remember('job-1', 2, retry);
    expect(refused.take('job-1', 1)).toBeUndefined();
    expect(refused.take('job-2', 2)).toBeUndefined();
    expect(refused.take('job-1', 2)).toBe(retry);
    expect(refused.take('job-1', 2)).toBeUndefined();
  });

  it('forgets the oldest past maxEntries, counting a remembered-again one as new', () => {
    const refused = new RefusedHandOffs(2);
    refused.remember('a', 1, retry);
    refused.remember('b', 1, retry);
    refused.remember('a', 1, retry);
    refused.remember('c', 1, retry);
    expect(refused.size).toBe(2);
    expect(refused.take('b', 1)).toBeUndefined();
    expect(refused.take('a', 1)).toBe(retry);
    expect(refused.take('c', 1)).toBe(retry);
  });
});
