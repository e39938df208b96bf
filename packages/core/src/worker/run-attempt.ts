/*
 * runAttempt: one attempt of one decoded job. Builds its JobContext, opens the per-job DI scope,
 * runs the handler against its timeout and the worker's abort, and disposes the scope.
 * Never throws; returns success or failure. Does not settle the delivery (pipeline-worker.ts does).
 * Hot path: the context's logger and signal are made on first access, nothing else per job is lazy.
 */
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'pino';
import { openAttemptScope, type AttemptScope } from '../di/attempt-scope.js';
import { WarrenError, isWarrenError } from '../errors/warren-error.js';
import type { JobContext } from '../job/job-types.js';
import type { AttemptAbort } from './attempt-abort.js';
import { AttemptContext } from './attempt-context.js';
import type { DecodedJob } from './decode-delivery.js';
import type { AttemptResult } from './retry-policy.js';
import type { OwnedTimer, TimerSet } from './timer-set.js';

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
  readonly abort: AttemptAbort;
}

export type HandlerResult = Extract<AttemptResult, { kind: 'success' | 'failure' }>;

const SUCCESS: HandlerResult = Object.freeze({ kind: 'success' });

/** Builds the JobContext (README, Writing jobs) for one attempt (its logger and signal are made on first access). */
export function createJobContext(job: DecodedJob, pipeline: string, abort: AttemptAbort, logger: Logger): JobContext {
  return new AttemptContext(job, pipeline, abort, logger);
}

function abortedResult(reason: unknown): HandlerResult {
  return { kind: 'failure', error: reason, isTimeout: isWarrenError(reason, 'WARREN_ERR_JOB_TIMEOUT') };
}

function failedResult(error: unknown): HandlerResult {
  return { kind: 'failure', error, isTimeout: false };
}

function scheduleTimeout(input: RunAttemptInput, timeoutMs: number): OwnedTimer {
  const { job, abort } = input;
  return input.timers.schedule(timeoutMs, () => {
    abort.abort(new WarrenError('WARREN_ERR_JOB_TIMEOUT', `job "${job.name}" (${job.id}) timed out after ${timeoutMs}ms on attempt ${job.attempt}`, {
      details: { id: job.id, job: job.name, attempt: job.attempt, timeoutMs },
    }));
  });
}

async function runHandler(scope: AttemptScope, job: DecodedJob, context: JobContext): Promise<HandlerResult> {
  const handler = scope.resolveHandler(job.definition.jobClass);
  await handler.handle(job.payload, context);
  return SUCCESS;
}

/** Runs the handler once. Resolves as soon as the handler settles or the attempt aborts (timeout or shutdown). */
export async function runAttempt(input: RunAttemptInput): Promise<HandlerResult> {
  const { job, abort } = input;
  const context = createJobContext(job, input.pipeline, abort, input.logger);
  let scope: AttemptScope;
  try {
    scope = openAttemptScope(job.definition.jobClass, context, input.container);
  } catch (error) {
    // A failure like any other (retried, then dead-lettered), not a requeue that would loop hot.
    return failedResult(error);
  }
  const timeoutMs = job.definition.timeoutMs;
  const timer = timeoutMs === undefined ? undefined : scheduleTimeout(input, timeoutMs);
  try {
    // Whichever comes first wins; a handler that ignores its signal keeps running, but its result is dropped.
    return await new Promise<HandlerResult>((resolve) => {
      abort.onAbort((reason) => resolve(abortedResult(reason)));
      runHandler(scope, job, context).then(resolve, (error: unknown) => resolve(failedResult(error)));
    });
  } finally {
    timer?.cancel();
    abort.onAbort(undefined);
    await scope.dispose(() => context.logger);
  }
}
