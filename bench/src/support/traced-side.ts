/*
 * Warren with tracing on as a benchmark side: an OpenTelemetry SDK (BasicTracerProvider, always-on sampling, an
 * AsyncLocalStorage context manager) registered globally while the side is open, with no span processor, so every
 * span is created, sampled and ended but never exported. Unregistered on close, so other sides run untraced.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { BenchSide, SideSettings } from './bench-side.js';
import { openWarrenSide, type WarrenDriverName } from './warren-side.js';

export async function openTracedWarrenSide(settings: SideSettings, driver: WarrenDriverName): Promise<BenchSide> {
  const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler() });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const side = await openWarrenSide(settings, driver, true);
  return {
    ...side,
    async close() {
      await side.close();
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
