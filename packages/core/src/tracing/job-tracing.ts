/*
 * JobTracing: OpenTelemetry spans for jobs, driver-independent. `tracePublish` wraps a dispatch in a producer span
 * (`<queue> publish`) and writes its context into the message headers (`traceparent`); `startProcess` opens the
 * consumer span of one attempt (`<queue> process`) whose parent is the context extracted from the delivery.
 * Exists only when `@opentelemetry/api` is installed (load-open-telemetry.ts); without a registered SDK its spans are
 * OpenTelemetry's no-op ones. Does not load the API or decide when to trace.
 */
import type { Delivery } from '../driver/driver.js';
import type { WireMessage } from '../driver/wire-message.js';
import type { MessagingTarget } from './messaging-target.js';
import type { OtelApi, OtelContext, OtelSpan, OtelTextMapGetter, OtelTextMapSetter, OtelTracer } from './otel-shapes.js';
import { ProcessSpan, recordError } from './process-span.js';
import { processAttributes, publishAttributes, type ProcessInfo } from './span-attributes.js';
import { formatTraceparent, parseTraceparent } from './trace-context-header.js';

/** The instrumentation scope name spans carry. */
export const TRACER_NAME = '@warren/core';

const HEADER_SETTER: OtelTextMapSetter = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const HEADER_GETTER: OtelTextMapGetter = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    // AMQP clients may hand long strings over as bytes.
    return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('latin1') : undefined;
  },
};

/** Creates producer and consumer spans for jobs; see the file header. */
export class JobTracing {
  readonly #tracer: OtelTracer;

  constructor(private readonly api: OtelApi) {
    this.#tracer = api.trace.getTracer(TRACER_NAME);
  }

  /** Publishes `message` through `publish` inside a producer span whose context travels in the message's headers. */
  async tracePublish(target: MessagingTarget, pipeline: string, message: WireMessage, delayMs: number, publish: () => Promise<void>): Promise<void> {
    const { api } = this;
    const { properties } = message;
    const parent = api.context.active();
    const span = this.#tracer.startSpan(`${target.destination} publish`, {
      kind: api.SpanKind.PRODUCER,
      attributes: publishAttributes(target, pipeline, properties.messageId, properties.type, message.body.length, delayMs),
    }, parent);
    this.#inject(api.trace.setSpan(parent, span), span, properties.headers);
    try {
      await publish();
    } catch (error) {
      recordError(api, span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Opens the consumer span of an attempt of `delivery` (what the worker decoded of it in `read`). */
  startAttempt(
    target: MessagingTarget, pipeline: string, delivery: Delivery, read: { readonly id: string; readonly name: string | undefined; readonly attempt: number },
    maxAttempts: number | undefined,
  ): ProcessSpan {
    const info = { pipeline, id: read.id, name: read.name, attempt: read.attempt, maxAttempts, bodySize: delivery.body.length, redelivered: delivery.redelivered };
    return this.startProcess(target, info, delivery.properties.headers);
  }

  /** Opens the consumer span of one attempt; the caller runs the handler through `run` and must `end` it. */
  startProcess(target: MessagingTarget, info: ProcessInfo, headers: Readonly<Record<string, unknown>>): ProcessSpan {
    const { api } = this;
    const parent = this.#extract(headers);
    const span = this.#tracer.startSpan(`${target.destination} process`, { kind: api.SpanKind.CONSUMER, attributes: processAttributes(target, info) }, parent);
    return new ProcessSpan(api, span, api.trace.setSpan(parent, span));
  }

  /** The registered propagators first (baggage, B3...); `traceparent` is written whatever they are (wire format). */
  #inject(context: OtelContext, span: OtelSpan, headers: Record<string, unknown>): void {
    this.api.propagation.inject(context, headers, HEADER_SETTER);
    const spanContext = span.spanContext();
    // A no-op span without a parent has the all-zero ids: nothing to propagate.
    if (this.api.trace.isSpanContextValid(spanContext)) headers['traceparent'] = formatTraceparent(spanContext);
  }

  /** From the root, never the driver callback's active context: a delivery's only parent is its producer. */
  #extract(headers: Readonly<Record<string, unknown>>): OtelContext {
    const { api } = this;
    const extracted = api.propagation.extract(api.ROOT_CONTEXT, headers as Record<string, unknown>, HEADER_GETTER);
    const found = api.trace.getSpanContext(extracted);
    if (found && api.trace.isSpanContextValid(found)) return extracted;
    const parsed = parseTraceparent(headers['traceparent']);
    return parsed ? api.trace.setSpanContext(extracted, parsed) : extracted;
  }
}
