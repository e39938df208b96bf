/*
 * Child process of the optional-peer test: registers resolve-hooks.mjs, then runs one job through a memory-driver
 * Warren from the built @warren/core and prints what the handler saw as JSON.
 * argv: <log file> <block: 0|1> <tracing: default|off>
 */
import { register } from 'node:module';

const [logFile, block, tracing] = process.argv.slice(2);
register('./resolve-hooks.mjs', import.meta.url, { data: { logFile, block: block === '1' } });
const core = await import('../../../packages/core/dist/index.js');
const { DriverRegistry, Job, JobRegistry, Warren, createSilentLogger, memoryDriver } = core;

let seen;
const handled = new Promise((resolve) => {
  seen = resolve;
});
class EchoJob {
  handle(payload, ctx) {
    seen({ payload, traceparent: ctx.headers.traceparent ?? null });
  }
}
Job('absent.echo', { pipeline: 'main' })(EchoJob);
const registry = new JobRegistry();
registry.add(EchoJob);
const warren = await Warren.fromConfig(
  { version: 1, jobs: { pipelines: { main: { driver: 'memory', concurrency: 1 } } }, http: { enabled: false } },
  { registry, drivers: new DriverRegistry().register(memoryDriver), logger: createSilentLogger(), ...(tracing === 'off' ? { tracing: false } : {}) },
);
await warren.run();
await warren.dispatch(EchoJob, { n: 1 });
const result = await handled;
await warren.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
