/*
 * runAttempt: one attempt of one decoded job. Builds its JobContext, opens the per-job DI scope,
 * runs the handler against its timeout and the worker's abort signal, and disposes the scope.
 * Never throws; returns success or failure. Does not settle the delivery (pipeline-worker.ts does).
 */
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'pino';
import { JobScope } from '../di/job-scope.js';
import { WarrenError, isWarrenError } from '../errors/warren-error.js';
import type { JobContext } from '../job/job-types.js';
import type { DecodedJob } from './decode-delivery.js';
import type { AttemptResult } from './retry-policy.js';
import type { TimerSet } from './timer-set.js';

export interface RunAttemptInput {
  readonly job: DecodedJob;
  readonly pipeline: string;
  /** The base container; each attempt runs in a child of it. */
  readonly container: DependencyContainer | undefined;
  /** The worker's logger; the context gets a child with the job's fields. */
  readonly logger: Logger;
  /** The worker's timers, so stopping the worker cancels the timeout timer too. */
  readonly timers: TimerSet;
  /** Owned by the worker so it can abort the attempt on forced shutdown. */
  readonly controller: AbortController;
}

export type HandlerResult = Extract<AttemptResult, { kind: 'success' | 'failure' }>;

/** Builds the JobContext of DESIGN.md for one attempt. */
export function createJobContext(job: DecodedJob, pipeline: string, signal: AbortSignal, logger: Logger): JobContext {
  return {
    id: job.id,
    name: job.name,
    pipeline,
    attempt: job.attempt,
    maxAttempts: job.definition.attempts,
    enqueuedAt: job.enqueuedAt,
    headers: job.headers,
    signal,
    logger: logger.child({ jobId: job.id, job: job.name, pipeline, attempt: job.attempt }),
  };
}

function abortedResult(signal: AbortSignal): HandlerResult {
  return { kind: 'failure', error: signal.reason, isTimeout: isWarrenError(signal.reason, 'WARREN_ERR_JOB_TIMEOUT') };
}

/** Runs the handler once. Resolves as soon as the handler settles or the signal aborts (timeout or shutdown). */
export async function runAttempt(input: RunAttemptInput): Promise<HandlerResult> {
  const { job, controller } = input;
  const context = createJobContext(job, input.pipeline, controller.signal, input.logger);
  let scope: JobScope;
  try {
    scope = JobScope.open(context, input.container);
  } catch (error) {
    // A failure like any other (retried, then dead-lettered), not a requeue that would loop hot.
    return { kind: 'failure', error, isTimeout: false };
  }
  const timeoutMs = job.definition.timeoutMs;
  const timer = timeoutMs === undefined ? undefined : input.timers.schedule(timeoutMs, () => {
    controller.abort(new WarrenError('WARREN_ERR_JOB_TIMEOUT', `job "${job.name}" (${job.id}) timed out after ${timeoutMs}ms on attempt ${job.attempt}`, {
      details: { id: job.id, job: job.name, attempt: job.attempt, timeoutMs },
    }));
  });
  let removeAbortListener = (): void => {};
  const aborted = new Promise<HandlerResult>((resolve) => {
    const onAbort = () => resolve(abortedResult(controller.signal));
    if (controller.signal.aborted) return onAbort();
    controller.signal.addEventListener('abort', onAbort, { once: true });
    removeAbortListener = () => controller.signal.removeEventListener('abort', onAbort);
  });
  try {
    const handled = (async (): Promise<HandlerResult> => {
      const handler = scope.resolveHandler(job.definition.jobClass);
      await handler.handle(job.payload, context);
      return { kind: 'success' };
    })().catch((error: unknown): HandlerResult => ({ kind: 'failure', error, isTimeout: false }));
    // Whichever comes first wins; a handler that ignores its signal keeps running, but its result is dropped.
    return await Promise.race([handled, aborted]);
  } finally {
    timer?.cancel();
    removeAbortListener();
    await scope.dispose(context.logger);
  }
}
