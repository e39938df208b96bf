/*
 * loadConfig: source → interpolated → schema-parsed → cross-checked config, with every problem as a
 * diagnostic (file, key path, line, fix). assertConfig turns a failed load into one WarrenError.
 * Job-aware and driver-hook checks are the doctor's (doctor/run-doctor.ts).
 */
import { consumeCheck } from '../doctor/checks/consume-check.js';
import { prefetchCheck } from '../doctor/checks/prefetch-check.js';
import { unusedSectionCheck } from '../doctor/checks/unused-section-check.js';
import { configView } from '../doctor/config-view.js';
import type { Diagnostic } from '../doctor/diagnostic.js';
import { finalizeDiagnostics } from '../doctor/finalize-diagnostics.js';
import { hasErrors } from '../doctor/format-diagnostic.js';
import { driverRegistry as defaultRegistry, type DriverRegistry } from '../driver/driver-registry.js';
import { WarrenError } from '../errors/warren-error.js';
import { buildConfigSchema } from './config-schema.js';
import { readConfigSource } from './config-source.js';
import type { WarrenConfig } from './config-types.js';
import { interpolateEnv, type Env } from './env-interpolation.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { SchemaResolver } from './schema-resolver.js';

/** Options of `loadConfig` and `evaluateConfig`. */
export interface LoadConfigOptions {
  /** Drivers whose schemas apply; default the process-wide registry. */
  readonly registry?: DriverRegistry;
  /** Variables for `${VAR}`; default process.env. */
  readonly env?: Env;
}

/** What `loadConfig` returns: the config when valid, and every diagnostic. */
export interface ConfigLoadResult {
  /** The parsed config; undefined when any diagnostic is an error. */
  readonly config?: WarrenConfig;
  /** Errors first, then warnings. */
  readonly diagnostics: Diagnostic[];
  /** Absolute path of the file read, when the source was a path. */
  readonly file?: string;
}

/** Everything a load learned, for the doctor to build on. */
export interface ConfigEvaluation {
  readonly result: ConfigLoadResult;
  /** The interpolated raw value (undefined when unreadable). */
  readonly raw: unknown;
  /** The parsed config even when cross-checks failed (undefined when the schema failed). */
  readonly parsed: WarrenConfig | undefined;
  readonly lines: ReadonlyMap<string, number>;
}

/** Loads, validates and cross-checks a config; see `loadConfig`. */
export async function evaluateConfig(source: string | object, options: LoadConfigOptions = {}): Promise<ConfigEvaluation> {
  const registry = options.registry ?? defaultRegistry;
  const read = await readConfigSource(source);
  const file = read.file;
  if (read.raw === undefined && read.diagnostics.length > 0) {
    const diagnostics = finalizeDiagnostics(read.diagnostics, file, read.lines);
    return { result: { diagnostics, ...(file ? { file } : {}) }, raw: undefined, parsed: undefined, lines: read.lines };
  }
  const interpolated = interpolateEnv(read.raw, options.env ?? process.env);
  const raw = interpolated.value;
  const parse = buildConfigSchema(registry).safeParse(raw);
  const envPaths = new Set(interpolated.diagnostics.map((diagnostic) => diagnostic.path));
  const schemaFindings = parse.success ? [] : schemaDiagnostics(parse.error.issues, new SchemaResolver(registry, raw));
  const parsed = parse.success ? { ...parse.data, file } : undefined;
  const view = configView(raw, parsed);
  const diagnostics = finalizeDiagnostics(
    [
      ...interpolated.diagnostics,
      // A missing variable leaves an empty string behind; the schema's complaint about it is noise.
      ...schemaFindings.filter((diagnostic) => !envPaths.has(diagnostic.path)),
      ...consumeCheck(view),
      ...prefetchCheck(view),
      ...unusedSectionCheck(view, registry),
    ],
    file,
    read.lines,
  );
  const config = parsed && !hasErrors(diagnostics) ? parsed : undefined;
  return { result: { ...(config ? { config } : {}), diagnostics, ...(file ? { file } : {}) }, raw, parsed, lines: read.lines };
}

/**
 * Loads a config from a file path (YAML or JSON) or an object: interpolates `${VAR}`, validates it
 * against the schema of the registered drivers and checks consume and prefetch. Never throws for
 * bad config; `config` is set only when there are no errors. Use `assertConfig` to throw instead.
 */
export async function loadConfig(source: string | object, options: LoadConfigOptions = {}): Promise<ConfigLoadResult> {
  return (await evaluateConfig(source, options)).result;
}

/** The config of a load, or a WARREN_ERR_CONFIG_INVALID (or _NOT_FOUND) listing every error. */
export function assertConfig(result: ConfigLoadResult): WarrenConfig {
  if (result.config) return result.config;
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  const lines = errors.map((d) => {
    const where = `${d.file ?? result.file ?? '(config object)'}${d.line === undefined ? '' : `:${d.line}`}`;
    return `  ${where}: ${d.path || '(root)'}: ${d.message} (fix: ${d.hint})`;
  });
  const notFound = errors.length > 0 && errors.every((d) => d.code === 'WARREN_ERR_CONFIG_NOT_FOUND');
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  throw new WarrenError(
    notFound ? 'WARREN_ERR_CONFIG_NOT_FOUND' : 'WARREN_ERR_CONFIG_INVALID',
    `invalid Warren config (${count}):\n${lines.join('\n')}`,
    { details: { diagnostics: result.diagnostics, ...(result.file ? { file: result.file } : {}) }, hint: 'fix each listed key; `warren doctor` shows the same list' },
  );
}
