/*
 * Validation and normalization of @Job metadata into a JobDefinition. Pure: collects every problem
 * and throws one WARREN_ERR_JOB_INVALID listing them all. Does not touch any registry.
 */
import { BREAKER_DEFAULTS, type ResolvedBreakerOptions } from '../breaker/breaker-options.js';
import { WarrenError } from '../errors/warren-error.js';
import { resolveRateLimitOption, resolveScheduleOption } from '../schedule/normalize-schedule-options.js';
import { tryParseDurationMs } from '../util/duration.js';
import { JOB_DEFAULTS, MAX_DELAY_MS, type JobDefinition, type ResolvedBackoff } from './job-definition.js';
import type { JobClass, JobOptions } from './job-types.js';

const MAX_PRIORITY = 255;

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function resolveBackoff(options: JobOptions, problems: string[]): ResolvedBackoff {
  const backoff = options.backoff;
  if (backoff === undefined) return JOB_DEFAULTS.backoff;
  if (typeof backoff !== 'object' || backoff === null) {
    problems.push(`backoff must be an object like { type: 'exponential', delay: '1s' }, got ${describe(backoff)}`);
    return JOB_DEFAULTS.backoff;
  }
  const type = backoff.type ?? JOB_DEFAULTS.backoff.type;
  if (type !== 'fixed' && type !== 'exponential') problems.push(`backoff.type must be 'fixed' or 'exponential', got ${describe(type)}`);
  const delayMs = backoff.delay === undefined ? JOB_DEFAULTS.backoff.delayMs : tryParseDurationMs(backoff.delay);
  if (delayMs === undefined) problems.push(`backoff.delay ${describe(backoff.delay)} is not a duration (use e.g. 500ms, 30s, 5m)`);
  const maxMs = backoff.max === undefined ? JOB_DEFAULTS.backoff.maxMs : tryParseDurationMs(backoff.max);
  if (maxMs === undefined) problems.push(`backoff.max ${describe(backoff.max)} is not a duration (use e.g. 500ms, 30s, 5m)`);
  // A retry copy with a longer delay could never be published (the RabbitMQ delay ladder ends at 7 days).
  for (const [key, ms] of [['delay', delayMs], ['max', maxMs]] as const) {
    if (ms !== undefined && ms > MAX_DELAY_MS) problems.push(`backoff.${key} ${describe(backoff[key])} is longer than 7 days (168h), the longest delay Warren supports`);
  }
  const jitter = backoff.jitter ?? JOB_DEFAULTS.backoff.jitter;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) problems.push(`backoff.jitter must be a number from 0 to 1, got ${describe(jitter)}`);
  return {
    type: type === 'fixed' ? 'fixed' : 'exponential',
    delayMs: delayMs ?? JOB_DEFAULTS.backoff.delayMs,
    maxMs: Math.max(maxMs ?? JOB_DEFAULTS.backoff.maxMs, delayMs ?? 0),
    jitter: typeof jitter === 'number' ? jitter : JOB_DEFAULTS.backoff.jitter,
  };
}

function resolveBreaker(options: JobOptions, problems: string[]): ResolvedBreakerOptions | undefined {
  const breaker = options.breaker;
  if (breaker === undefined) return undefined;
  if (typeof breaker !== 'object' || breaker === null) {
    problems.push(`breaker must be an object like { failureRate: 0.5, minJobs: 20, window: '10s', pause: '30s' }, got ${describe(breaker)}`);
    return undefined;
  }
  const failureRate = breaker.failureRate ?? BREAKER_DEFAULTS.failureRate;
  if (typeof failureRate !== 'number' || !(failureRate > 0 && failureRate <= 1)) problems.push(`breaker.failureRate must be a number above 0 and at most 1, got ${describe(failureRate)}`);
  const minJobs = breaker.minJobs ?? BREAKER_DEFAULTS.minJobs;
  if (!Number.isInteger(minJobs) || minJobs < 1) problems.push(`breaker.minJobs must be an integer >= 1, got ${describe(minJobs)}`);
  const durations = { window: BREAKER_DEFAULTS.windowMs, pause: BREAKER_DEFAULTS.pauseMs, maxPause: BREAKER_DEFAULTS.maxPauseMs };
  for (const key of ['window', 'pause', 'maxPause'] as const) {
    if (breaker[key] === undefined) continue;
    const ms = tryParseDurationMs(breaker[key]);
    if (ms === undefined || ms <= 0) problems.push(`breaker.${key} ${describe(breaker[key])} is not a positive duration (use e.g. 500ms, 30s, 5m)`);
    else durations[key] = ms;
  }
  return { failureRate, minJobs, windowMs: durations.window, pauseMs: durations.pause, maxPauseMs: Math.max(durations.maxPause, durations.pause) };
}

/** Validates `@Job(name, options)` on `jobClass` and applies the defaults; throws WARREN_ERR_JOB_INVALID. */
export function normalizeJobOptions(name: unknown, jobClass: JobClass, options: JobOptions = {}): JobDefinition {
  const className = typeof jobClass === 'function' && jobClass.name ? jobClass.name : '(anonymous class)';
  const problems: string[] = [];
  if (typeof name !== 'string' || name.trim() === '') problems.push(`the job name must be a non-empty string, got ${describe(name)}`);
  if (typeof jobClass !== 'function' || typeof (jobClass.prototype as { handle?: unknown } | undefined)?.handle !== 'function') {
    problems.push('the class has no handle(payload, ctx) method');
  }
  const pipeline = options.pipeline ?? JOB_DEFAULTS.pipeline;
  if (typeof pipeline !== 'string' || pipeline.trim() === '') problems.push(`pipeline must be a non-empty string, got ${describe(pipeline)}`);
  const attempts = options.attempts ?? JOB_DEFAULTS.attempts;
  if (!Number.isInteger(attempts) || attempts < 1) problems.push(`attempts must be an integer >= 1, got ${describe(attempts)}`);
  const backoff = resolveBackoff(options, problems);
  const breaker = resolveBreaker(options, problems);
  const timeoutMs = options.timeout === undefined ? undefined : tryParseDurationMs(options.timeout);
  if (options.timeout !== undefined && (timeoutMs === undefined || timeoutMs <= 0)) {
    problems.push(`timeout ${describe(options.timeout)} is not a positive duration (use e.g. 30s, 5m)`);
  }
  const priority = options.priority;
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY)) {
    problems.push(`priority must be an integer from 0 to ${MAX_PRIORITY}, got ${describe(priority)}`);
  }
  const schema = options.schema;
  if (schema !== undefined && typeof (schema as { '~standard'?: { validate?: unknown } })?.['~standard']?.validate !== 'function') {
    problems.push('schema must be a Standard Schema validator (zod, valibot, arktype...) with ~standard.validate');
  }
  if (options.inject !== undefined && !Array.isArray(options.inject)) problems.push('inject must be an array of injection tokens');
  const schedule = resolveScheduleOption(options.schedule, problems);
  const rateLimit = resolveRateLimitOption(options.rateLimit, problems);
  if (problems.length > 0) {
    throw new WarrenError('WARREN_ERR_JOB_INVALID', `@Job(${describe(name)}) on class ${className} is invalid: ${problems.join('; ')}`, {
      details: { job: name, className, problems },
    });
  }
  return {
    name: name as string,
    jobClass,
    className,
    pipeline,
    attempts,
    backoff,
    timeoutMs,
    priority,
    schema: schema as JobDefinition['schema'],
    inject: options.inject,
    ...(breaker ? { breaker } : {}),
    schedule,
    rateLimit,
  };
}
