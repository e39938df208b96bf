import { describe, expect, it } from 'vitest';
import { Unrecoverable } from '../../../src/errors/unrecoverable.js';
import type { ResolvedBackoff } from '../../../src/job/job-definition.js';
import { decideOutcome, type AttemptResult, type Outcome } from '../../../src/worker/retry-policy.js';

const backoff: ResolvedBackoff = { type: 'exponential', delayMs: 1_000, maxMs: 60_000, jitter: 0 };
const failure: AttemptResult = { kind: 'failure', error: new Error('boom'), isTimeout: false };
const timeout: AttemptResult = { kind: 'failure', error: new Error('timed out'), isTimeout: true };
class PaymentDeclined extends Unrecoverable {}

describe('decideOutcome', () => {
  it.each<[string, AttemptResult, number, number, Outcome]>([
    ['success acks', { kind: 'success' }, 1, 3, { action: 'ack' }],
    ['success on the last attempt acks', { kind: 'success' }, 3, 3, { action: 'ack' }],
    ['failure with attempts left retries after backoff', failure, 1, 3, { action: 'retry', delayMs: 1_000 }],
    ['second failure waits twice as long', failure, 2, 3, { action: 'retry', delayMs: 2_000 }],
    ['failure on the last attempt dead-letters', failure, 3, 3, { action: 'dead-letter', reason: 'attempts-exhausted' }],
    ['failure past the limit dead-letters', failure, 9, 3, { action: 'dead-letter', reason: 'attempts-exhausted' }],
    ['single attempt job dead-letters at once', failure, 1, 1, { action: 'dead-letter', reason: 'attempts-exhausted' }],
    ['timeout with attempts left retries', timeout, 1, 2, { action: 'retry', delayMs: 1_000 }],
    ['timeout on the last attempt dead-letters as timeout', timeout, 2, 2, { action: 'dead-letter', reason: 'timeout' }],
    ['Unrecoverable skips retries', { kind: 'failure', error: new Unrecoverable('no'), isTimeout: false }, 1, 5, { action: 'dead-letter', reason: 'unrecoverable' }],
    ['a subclass of Unrecoverable skips retries', { kind: 'failure', error: new PaymentDeclined('card'), isTimeout: false }, 1, 5, { action: 'dead-letter', reason: 'unrecoverable' }],
    ['undecodable dead-letters', { kind: 'rejected', reason: 'undecodable' }, 1, 3, { action: 'dead-letter', reason: 'undecodable' }],
    ['unknown job dead-letters', { kind: 'rejected', reason: 'unknown-job' }, 1, 3, { action: 'dead-letter', reason: 'unknown-job' }],
    ['invalid payload dead-letters', { kind: 'rejected', reason: 'invalid-payload' }, 1, 3, { action: 'dead-letter', reason: 'invalid-payload' }],
  ])('%s', (_title, result, attempt, maxAttempts, expected) => {
    expect(decideOutcome({ result, attempt, maxAttempts, backoff, random: () => 0.5 })).toEqual(expected);
  });
});
