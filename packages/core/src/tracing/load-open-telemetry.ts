/*
 * Finds `@opentelemetry/api`, an optional peer dependency, at most once per process. Nothing of OpenTelemetry is
 * imported unless it is installed (a dynamic import guarded by try), and not even looked for when tracing is off.
 * Does not create spans (job-tracing.ts does).
 */
import type { OtelApi } from './otel-shapes.js';

/** The package looked for; a variable, so TypeScript and bundlers do not try to resolve it at build time. */
const OTEL_API_SPECIFIER = '@opentelemetry/api';

let loading: Promise<OtelApi | undefined> | undefined;

/** Resolves with the API when the package can be imported, undefined otherwise (never rejects). */
export function loadOpenTelemetryApi(): Promise<OtelApi | undefined> {
  loading ??= importApi();
  return loading;
}

async function importApi(): Promise<OtelApi | undefined> {
  try {
    const namespace = (await import(OTEL_API_SPECIFIER)) as OtelApi & { default?: OtelApi };
    // Its CommonJS build reached through import() may show its exports only as `default`, depending on the version.
    if (isUsableApi(namespace)) return namespace;
    return namespace.default !== undefined && isUsableApi(namespace.default) ? namespace.default : undefined;
  } catch {
    // Not installed (or not resolvable from here): tracing stays off, which is the documented default.
    return undefined;
  }
}

/** A 0.x API or a stub without these members would fail later on the hot path; refuse it now. */
function isUsableApi(api: Partial<OtelApi>): boolean {
  return typeof api.trace?.getTracer === 'function' && typeof api.context?.with === 'function'
    && typeof api.propagation?.inject === 'function' && api.SpanKind !== undefined;
}
