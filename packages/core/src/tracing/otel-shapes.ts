/*
 * The few parts of `@opentelemetry/api` that Warren's tracing uses, as structural types. Written out here so that
 * core's compiled .d.ts files never name the package: it is an optional peer, and an app without it must type-check.
 * Does not load anything (see load-open-telemetry.ts).
 */

/** An OpenTelemetry Context (opaque to Warren). */
export type OtelContext = object;

/** Attribute values Warren writes on spans and events. */
export type OtelAttributes = Record<string, string | number | boolean>;

/** The identity of a span as it travels in `traceparent`. */
export interface OtelSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
  traceState?: { serialize(): string };
}

/** A started span. */
export interface OtelSpan {
  spanContext(): OtelSpanContext;
  isRecording(): boolean;
  setAttribute(key: string, value: string | number | boolean): OtelSpan;
  addEvent(name: string, attributes?: OtelAttributes): OtelSpan;
  recordException(exception: { name: string; message: string; stack?: string }): void;
  setStatus(status: { code: number; message?: string }): OtelSpan;
  end(): void;
}

export interface OtelTracer {
  startSpan(name: string, options: { kind: number; attributes?: OtelAttributes }, context: OtelContext): OtelSpan;
}

/** A header carrier accessor pair, as `propagation.inject` and `extract` take them. */
export interface OtelTextMapSetter {
  set(carrier: Record<string, unknown>, key: string, value: string): void;
}
export interface OtelTextMapGetter {
  keys(carrier: Record<string, unknown>): string[];
  get(carrier: Record<string, unknown>, key: string): string | string[] | undefined;
}

/** The module namespace of `@opentelemetry/api` (the members Warren uses). */
export interface OtelApi {
  readonly trace: {
    getTracer(name: string, version?: string): OtelTracer;
    setSpan(context: OtelContext, span: OtelSpan): OtelContext;
    getSpanContext(context: OtelContext): OtelSpanContext | undefined;
    setSpanContext(context: OtelContext, spanContext: OtelSpanContext): OtelContext;
    isSpanContextValid(spanContext: OtelSpanContext): boolean;
  };
  readonly context: {
    active(): OtelContext;
    with<T>(context: OtelContext, fn: () => T): T;
  };
  readonly propagation: {
    inject(context: OtelContext, carrier: Record<string, unknown>, setter: OtelTextMapSetter): void;
    extract(context: OtelContext, carrier: Record<string, unknown>, getter: OtelTextMapGetter): OtelContext;
  };
  readonly ROOT_CONTEXT: OtelContext;
  readonly SpanKind: { readonly PRODUCER: number; readonly CONSUMER: number };
  readonly SpanStatusCode: { readonly ERROR: number };
}
