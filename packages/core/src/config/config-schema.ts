/*
 * The warren.yaml schema: core's keys plus, per registered driver, its top-level section and the
 * `options` of pipelines using it. Single source of defaults, validation and key docs (`.describe`).
 * Structural only: cross-key checks (consume, prefetch) live in doctor/checks.
 */
import { z } from 'zod';
import type { DriverRegistry } from '../driver/driver-registry.js';
import { rateLimitSchema, scheduleEntrySchema, type ConfiguredSchedule } from '../schedule/schedule-config-schema.js';
import type { ResolvedRateLimit } from '../schedule/schedule-types.js';
import { durationMs, flag, integer } from './schema-primitives.js';

/** Pino levels accepted by `log.level`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The driver a pipeline uses when it names none. */
export const DEFAULT_DRIVER = 'memory';

type IssueSink = { issues: Array<Record<string, unknown>> };

/** Re-issues a sub-parse's issues under `prefix`, keeping code, keys and params for the doctor. */
function forwardIssues(ctx: IssueSink, issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): void {
  for (const issue of issues) {
    const { path, ...rest } = issue;
    ctx.issues.push({ ...rest, input: undefined, path: [...prefix, ...path] });
  }
}

/** A fraction in (0, 1]; a numeric string (from `${VAR}`) is accepted and converted. */
function rate(): z.ZodType<number, number | string> {
  return z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value),
    z.number().gt(0).max(1),
  ) as z.ZodType<number, number | string>;
}

/** `jobs.pipelines.<p>.breaker`: the pipeline's consumption circuit breaker (absent: none). */
export const pipelineBreakerSchema = z
  .strictObject({
    failure_rate: rate().prefault(0.5)
      .describe('Fraction (above 0, at most 1) of counted attempts in the window that failed transiently (Transient, or an error whose retryable is true, such as a job timeout) at which the breaker opens. Unrecoverable, invalid payloads and plain errors never count.'),
    min_jobs: integer(1).prefault(20).describe('Counted attempts (successes and transient failures) needed in the window before the rate is judged.'),
    window: durationMs().prefault('10s').describe('Rolling window of counted attempts.'),
    pause: durationMs().prefault('30s')
      .describe('How long the pipeline stops taking deliveries once open (jobs in flight finish; those fetched but not started go back to the queue without counting an attempt); then one trial job runs (half-open).'),
    max_pause: durationMs().prefault('5m').describe('Upper bound of the pause, which doubles after each failed trial.'),
  })
  .transform((raw) => ({
    failureRate: raw.failure_rate, minJobs: raw.min_jobs, windowMs: raw.window, pauseMs: raw.pause, maxPauseMs: Math.max(raw.max_pause, raw.pause),
  }));

/** One entry of `jobs.pipelines`; `options` are parsed by the schema of the pipeline's driver. */
export function pipelineSchema(registry: DriverRegistry) {
  return z
    .strictObject({
      driver: z.string().min(1).default(DEFAULT_DRIVER).describe('Registered driver that carries this pipeline: `memory` (in-process) or `amqp` (RabbitMQ).'),
      concurrency: integer(1).default(10).describe('Jobs of this pipeline that run at once in one process.'),
      options: z.record(z.string(), z.unknown()).optional().describe("Driver-owned options (queue, prefetch, ...); each driver's schema defines and documents them."),
      breaker: pipelineBreakerSchema.optional()
        .describe('Consumption circuit breaker: stops taking deliveries while the handlers\' dependency is down (README "Consumption circuit breaker"). Absent: none.'),
      rate_limit: rateLimitSchema.optional().describe('At most `max` jobs of this pipeline start per `per` in each worker process; the others wait (held, not failed).'),
    })
    .transform((pipeline, ctx): {
      driver: string; concurrency: number; options: unknown; rateLimit?: ResolvedRateLimit | undefined; breaker?: z.output<typeof pipelineBreakerSchema>;
    } => {
      if (!registry.has(pipeline.driver)) {
        ctx.issues.push({
          code: 'custom',
          input: pipeline.driver,
          path: ['driver'],
          message: `no driver named "${pipeline.driver}" is registered`,
          params: { warrenCode: 'WARREN_ERR_DRIVER_NOT_FOUND', warrenDriver: pipeline.driver },
        });
        return z.NEVER;
      }
      const parsed = registry.get(pipeline.driver).optionsSchema.safeParse(pipeline.options ?? {});
      if (!parsed.success) {
        forwardIssues(ctx as unknown as IssueSink, parsed.error.issues, ['options']);
        return z.NEVER;
      }
      return {
        driver: pipeline.driver, concurrency: pipeline.concurrency, options: parsed.data as unknown, rateLimit: pipeline.rate_limit,
        ...(pipeline.breaker ? { breaker: pipeline.breaker } : {}),
      };
    });
}

/** The parsed `jobs:` section; `schedules` is optional in the type so that hand-built configs need not name it. */
interface JobsOutput<P> {
  modules: string[];
  bootstrap: string | undefined;
  consume: string[];
  shutdownTimeoutMs: number;
  pipelines: P;
  schedules?: Record<string, ConfiguredSchedule>;
}

/** The `jobs:` section. */
export function jobsSchema(registry: DriverRegistry) {
  return z
    .strictObject({
      modules: z.array(z.string()).default([]).describe("Globs of handler modules to import, relative to the config file's folder."),
      bootstrap: z.string().optional().describe("Module imported before the handlers, to register DI bindings; relative to the config file's folder."),
      consume: z.array(z.string()).optional().describe('Pipelines this process consumes. Default: every defined pipeline.'),
      shutdown_timeout: durationMs().prefault('30s').describe('On SIGTERM, how long in-flight jobs may finish before they are aborted and requeued.'),
      pipelines: z
        .record(z.string(), pipelineSchema(registry))
        .prefault({ default: { driver: DEFAULT_DRIVER } })
        .describe('Named pipelines (queues). Default: one in-memory pipeline named `default`.'),
      schedules: z
        .record(z.string(), scheduleEntrySchema)
        .default({})
        .describe('Schedules by job name, for jobs declared without `schedule` (or to override it): the job is dispatched on each tick.'),
    })
    .transform((jobs): JobsOutput<typeof jobs.pipelines> => ({
      modules: jobs.modules,
      bootstrap: jobs.bootstrap,
      consume: jobs.consume ?? Object.keys(jobs.pipelines),
      shutdownTimeoutMs: jobs.shutdown_timeout,
      pipelines: jobs.pipelines,
      schedules: jobs.schedules,
    }))
    .superRefine((jobs, ctx) => {
      for (const [job, schedule] of Object.entries(jobs.schedules ?? {})) {
        if (schedule.pipeline === undefined || jobs.pipelines[schedule.pipeline] !== undefined) continue;
        ctx.addIssue({
          code: 'custom', path: ['schedules', job, 'pipeline'], message: `names pipeline \`${schedule.pipeline}\`, which jobs.pipelines does not define`,
          params: { warrenCode: 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND', warrenHint: `define jobs.pipelines.${schedule.pipeline}, or use one of: ${Object.keys(jobs.pipelines).join(', ')}` },
        });
      }
    });
}

/** The `http:` section (health, readiness and metrics server). */
export const httpSchema = z.strictObject({
  port: integer(0, 65_535).default(9400).describe('Port of the /health, /ready and /metrics server.'),
  host: z.string().min(1).default('0.0.0.0').describe('Interface the HTTP server listens on.'),
  enabled: flag().default(true).describe('Set false to run without the HTTP server.'),
});

/** The `log:` section. */
export const logSchema = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info').describe('Lowest level written: fatal, error, warn, info, debug, trace or silent.'),
  pretty: flag().optional().describe('Human-readable lines. Default: pretty in a TTY, JSON otherwise.'),
});

/** Core's top-level keys; driver sections are added next to them by `buildConfigSchema`. */
export function coreConfigShape(registry: DriverRegistry) {
  return {
    version: z.literal(1).describe('Config format version. Required; must be 1.'),
    jobs: jobsSchema(registry).prefault({}).describe('Handler modules, pipelines and which of them this process consumes.'),
    http: httpSchema.prefault({}).describe('Health, readiness and Prometheus metrics server.'),
    log: logSchema.prefault({}).describe('Logging (pino).'),
  };
}

/**
 * The whole warren.yaml schema for the drivers in `registry`. Parses snake_case YAML into the
 * camelCase `WarrenConfig` (durations in ms, driver sections under `drivers`, `file` left undefined
 * for the loader to fill). A driver's section gets its defaults even when absent if a pipeline uses it.
 */
export function buildConfigSchema(registry: DriverRegistry) {
  const sections: Record<string, z.ZodType> = {};
  for (const driver of registry.all()) {
    if (driver.sectionSchema) sections[driver.name] = driver.sectionSchema.optional().describe(`Settings of the ${driver.name} driver.`);
  }
  const core = coreConfigShape(registry);
  return z.strictObject({ ...core, ...sections }).transform((raw, ctx) => {
    const input = raw as Record<string, unknown>;
    const usedDrivers = new Set(Object.values(raw.jobs.pipelines).map((pipeline) => pipeline.driver));
    const drivers: Record<string, unknown> = {};
    for (const driver of registry.all()) {
      if (!driver.sectionSchema) continue;
      if (input[driver.name] !== undefined) {
        drivers[driver.name] = input[driver.name];
      } else if (usedDrivers.has(driver.name)) {
        const parsed = driver.sectionSchema.safeParse({});
        if (parsed.success) drivers[driver.name] = parsed.data;
        else forwardIssues(ctx as unknown as IssueSink, parsed.error.issues, [driver.name]);
      }
    }
    return {
      version: raw.version,
      jobs: raw.jobs,
      http: raw.http,
      log: raw.log,
      drivers: drivers as Readonly<Record<string, unknown>>,
      file: undefined as string | undefined,
    };
  });
}

/** The schema type `buildConfigSchema` returns. */
export type ConfigSchema = ReturnType<typeof buildConfigSchema>;
