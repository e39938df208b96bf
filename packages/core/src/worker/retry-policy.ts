/*
 * The ack decision for one delivery: ack, retry after a delay, or dead-letter with a reason.
 * Pure: no I/O, no clock. The worker carries the decision out (pipeline-worker.ts).
 */
import type { DeadLetterReason } from '../driver/wire-message.js';
import { Unrecoverable } from '../errors/unrecoverable.js';
import type { ResolvedBackoff } from '../job/job-definition.js';
import { backoffDelayMs, type RandomSource } from './backoff.js';

/** How a delivery is settled: ack, retry after `delayMs`, or dead-letter with a reason. */
export type Outcome =
  | { readonly action: 'ack' }
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'dead-letter'; readonly reason: DeadLetterReason };

/** What happened to a delivery. */
export type AttemptResult =
  /** The handler succeeded. */
  | { readonly kind: 'success' }
  /** The handler threw or timed out. */
  | { readonly kind: 'failure'; readonly error: unknown; readonly isTimeout: boolean }
  /** The message never reached a handler (undecodable, unknown job, invalid payload). */
  | { readonly kind: 'rejected'; readonly reason: DeadLetterReason };

/** What `decideOutcome` decides from. */
export interface OutcomeInput {
  readonly result: AttemptResult;
  /** The 1-based attempt that just ran. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly backoff: ResolvedBackoff;
  readonly random?: RandomSource;
}

/** Decides how to settle a delivery. */
export function decideOutcome(input: OutcomeInput): Outcome {
  const { result } = input;
  switch (result.kind) {
    case 'success':
      return { action: 'ack' };
    case 'rejected':
      return { action: 'dead-letter', reason: result.reason };
    case 'failure':
      if (result.error instanceof Unrecoverable) return { action: 'dead-letter', reason: 'unrecoverable' };
      if (input.attempt >= input.maxAttempts) {
        return { action: 'dead-letter', reason: result.isTimeout ? 'timeout' : 'attempts-exhausted' };
      }
      return { action: 'retry', delayMs: backoffDelayMs(input.backoff, input.attempt, input.random) };
  }
}
