/*
 * An OpenTelemetry SDK for tests: a BasicTracerProvider that keeps finished spans in memory (InMemorySpanExporter)
 * and an AsyncLocalStorage context manager, registered globally as an app would, and unregistered afterwards. No
 * propagator is registered, so Warren's own `traceparent` handling is what carries the context.
 */
import { context, propagation, trace, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface OtelRecorder {
  readonly exporter: InMemorySpanExporter;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** Waits until `isDone(spans)` holds (checked every 10 ms), failing after `timeoutMs`. */
  waitFor(isDone: (spans: ReadableSpan[]) => boolean, timeoutMs?: number): Promise<ReadableSpan[]>;
  /** Unregisters the provider and context manager. */
  shutdown(): Promise<void>;
}

/** Registers a recording tracer provider globally; call `shutdown()` in afterAll. */
export function startOtelRecorder(): OtelRecorder {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(contextManager);
  const spans = () => exporter.getFinishedSpans();
  return {
    exporter,
    spans,
    async waitFor(isDone, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!isDone(spans())) {
        if (Date.now() > deadline) throw new Error(`spans not complete after ${timeoutMs} ms: ${spans().map((s) => s.name).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return spans();
    },
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** The parent span id of a finished span (sdk-trace-base 2.x keeps it in parentSpanContext). */
export function parentSpanId(span: ReadableSpan): string | undefined {
  return (span as ReadableSpan & { parentSpanContext?: SpanContext }).parentSpanContext?.spanId;
}
