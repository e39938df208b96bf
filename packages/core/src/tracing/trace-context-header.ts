/*
 * The W3C Trace Context `traceparent` header (version 00) that Warren's wire format reserves: formatting a span's
 * identity into it and parsing one back. Pure; the propagator registered with OpenTelemetry runs first, and this
 * only makes sure `traceparent` travels even when no W3C propagator is registered (e.g. a bare tracer provider).
 */
import type { OtelSpanContext } from './otel-shapes.js';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

/** `00-<trace id>-<span id>-<flags>` of a span context. */
export function formatTraceparent(spanContext: OtelSpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * The remote span context a `traceparent` names, or undefined when it is absent or malformed (a foreign producer's
 * bad header starts a new trace; it is never an error). Later versions may append fields; version ff is invalid.
 */
export function parseTraceparent(value: unknown): OtelSpanContext | undefined {
  const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('latin1') : undefined;
  const match = text === undefined ? null : TRACEPARENT.exec(text.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === INVALID_TRACE_ID || spanId === INVALID_SPAN_ID) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true };
}
