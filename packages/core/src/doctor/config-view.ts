/*
 * A tolerant view of a config for cross-key checks: pipelines (driver, concurrency, options) and the
 * consume list. Read from the parsed config when it is valid, otherwise from the raw value with
 * defaults applied, so that checks still report while the schema has other errors.
 */
import { DEFAULT_DRIVER } from '../config/config-schema.js';
import type { WarrenConfig } from '../config/config-types.js';

export interface PipelineView {
  readonly name: string;
  readonly driver: string;
  /** Undefined when the raw value is not an integer (the schema reports that). */
  readonly concurrency: number | undefined;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface ConfigView {
  readonly pipelines: readonly PipelineView[];
  /** Consumed pipeline names with their index in `jobs.consume`; index undefined when consume is the default. */
  readonly consume: ReadonlyArray<{ readonly name: string; readonly index: number | undefined }>;
  /** Top-level keys of the config (for driver sections). */
  readonly topLevelKeys: readonly string[];
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function toInteger(value: unknown, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}

/** The view of `config` when given, else of the raw (interpolated) value. */
export function configView(raw: unknown, config: WarrenConfig | undefined): ConfigView {
  const topLevelKeys = Object.keys(record(raw));
  if (config) {
    return {
      topLevelKeys,
      pipelines: Object.entries(config.jobs.pipelines).map(([name, pipeline]) => ({
        name, driver: pipeline.driver, concurrency: pipeline.concurrency, options: record(pipeline.options),
      })),
      consume: config.jobs.consume.map((name, index) => ({ name, index: Array.isArray(record(record(raw).jobs).consume) ? index : undefined })),
    };
  }
  const jobs = record(record(raw).jobs);
  const rawPipelines = jobs.pipelines === undefined ? { default: {} } : record(jobs.pipelines);
  const pipelines = Object.entries(rawPipelines).map(([name, value]) => {
    const pipeline = record(value);
    return {
      name,
      driver: typeof pipeline.driver === 'string' && pipeline.driver !== '' ? pipeline.driver : DEFAULT_DRIVER,
      concurrency: toInteger(pipeline.concurrency, 10),
      options: record(pipeline.options),
    };
  });
  const consume = Array.isArray(jobs.consume)
    ? jobs.consume.flatMap((name, index) => (typeof name === 'string' ? [{ name, index }] : []))
    : pipelines.map((pipeline) => ({ name: pipeline.name, index: undefined }));
  return { topLevelKeys, pipelines, consume };
}
