/*
 * ProcessSpan: the consumer span of one attempt (`<queue> process`, kind CONSUMER). Runs the handler inside its
 * context so the handler's own spans nest under it, records the error of a failed attempt, retries and dead letters
 * as span events, and the outcome as an attribute when it ends. Ends once; later calls are ignored.
 * Does not decide outcomes (the worker tells it what happened).
 */
import { formatErrorHeader } from '../worker/message-copies.js';
import { isWarrenError } from '../errors/warren-error.js';
import { redactSecrets } from '../util/redact.js';
import type { OtelApi, OtelContext, OtelSpan } from './otel-shapes.js';
import { SPAN_ATTRIBUTES, SPAN_EVENTS, type ProcessOutcome } from './span-attributes.js';

/** The consumer span of one attempt; see the file header. */
export class ProcessSpan {
  #outcome: ProcessOutcome | undefined;
  #hasEnded = false;

  constructor(private readonly api: OtelApi, private readonly span: OtelSpan, private readonly context: OtelContext) {}

  /** Runs `fn` with this span active, so spans started inside (the handler's) are its children. */
  run<T>(fn: () => T): T {
    return this.api.context.with(this.context, fn);
  }

  /** The attempt failed with `error` (whatever happens next: retry, dead letter, requeue). */
  failed(error: unknown): void {
    recordError(this.api, this.span, error);
  }

  succeeded(): void {
    this.#outcome = 'succeeded';
  }

  /** A retry copy was taken; the next attempt runs in `delayMs`. */
  retried(delayMs: number, nextAttempt: number): void {
    this.#outcome = 'retried';
    this.span.addEvent(SPAN_EVENTS.retry, { [SPAN_ATTRIBUTES.retryDelayMs]: delayMs, [SPAN_ATTRIBUTES.attempt]: nextAttempt });
  }

  /** A dead-letter copy was taken with `reason`. */
  deadLettered(reason: string): void {
    this.#outcome = 'dead-lettered';
    this.span.addEvent(SPAN_EVENTS.deadLetter, { [SPAN_ATTRIBUTES.deadReason]: reason });
    this.span.setAttribute(SPAN_ATTRIBUTES.deadReason, reason);
  }

  /** The driver refused the retry or dead-letter copy, so the original goes back to its queue. */
  requeued(): void {
    this.#outcome = 'requeued';
    this.span.addEvent(SPAN_EVENTS.requeue);
  }

  /** Ends the span; `fallback` is the outcome when none was reported (e.g. abandoned at shutdown). */
  end(fallback: ProcessOutcome): void {
    if (this.#hasEnded) return;
    this.#hasEnded = true;
    this.span.setAttribute(SPAN_ATTRIBUTES.outcome, this.#outcome ?? fallback);
    this.span.end();
  }
}

/** Records `error` on `span` (message redacted as in x-warren-error) and marks the span failed. */
export function recordError(api: OtelApi, span: OtelSpan, error: unknown): void {
  const type = isWarrenError(error) ? error.code : error instanceof Error ? error.name : typeof error;
  const message = formatErrorHeader(error);
  const stack = error instanceof Error && typeof error.stack === 'string' ? redactSecrets(error.stack) : undefined;
  span.recordException(stack === undefined ? { name: type, message } : { name: type, message, stack });
  span.setAttribute(SPAN_ATTRIBUTES.errorType, type);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message });
}
