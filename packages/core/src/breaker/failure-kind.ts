/*
 * Which handler failures a consumption breaker counts: those that say a dependency is down. Pure.
 * Transient (and any error whose `retryable` is true, such as a job timeout) counts; Unrecoverable, invalid
 * payloads and plain errors (bugs, bad data) never trip it — retrying them later would not help either.
 */
import { Transient } from '../errors/transient.js';
import { Unrecoverable } from '../errors/unrecoverable.js';

/** How a failed attempt counts for a breaker. */
export type BreakerFailureKind = 'transient-failure' | 'other-failure';

/** Classifies a handler's failure by class or `retryable` flag, never by message text. */
export function breakerFailureKind(error: unknown): BreakerFailureKind {
  if (error instanceof Unrecoverable) return 'other-failure';
  if (error instanceof Transient) return 'transient-failure';
  const retryable = typeof error === 'object' && error !== null ? (error as { retryable?: unknown }).retryable : undefined;
  return retryable === true ? 'transient-failure' : 'other-failure';
}
