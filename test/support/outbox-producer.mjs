/*
 * A producer process for the durable outbox proof (test/integration/durable-outbox.int.test.ts), run by node on the
 * built packages. `produce <url> <queue> <dir> <count>`: dispatches <count> jobs with ids job-0… while the broker is
 * unreachable, prints `dispatched <count>` once every dispatch resolved, and waits to be killed.
 * `replay <url> <queue> <dir>`: opens the same outbox, waits until the broker confirmed everything it replayed,
 * prints `replayed`, closes and exits 0.
 */
import { Warren, createSilentLogger } from '../../packages/core/dist/index.js';
import '../../packages/amqp/dist/index.js';

const [mode, url, queue, directory, count] = process.argv.slice(2);
const warren = await Warren.fromConfig({
  version: 1,
  amqp: { urls: [url], redial: { schedule: ['100ms', '250ms'] }, outbox: { path: directory, fsync: 'interval' } },
  jobs: { pipelines: { main: { driver: 'amqp', options: { queue } } } },
  http: { enabled: false },
}, { logger: createSilentLogger() });

if (mode === 'produce') {
  const dispatches = [];
  for (let n = 0; n < Number(count); n++) dispatches.push(warren.dispatch('outbox.job', { n }, { pipeline: 'main', id: `job-${n}` }));
  await Promise.all(dispatches);
  process.stdout.write(`dispatched ${dispatches.length}\n`);
  setInterval(() => undefined, 60_000); // killed by the test, never closed: the crash under test
} else {
  const gauges = () => warren.health().drivers.find((driver) => driver.driver === 'amqp')?.gauges ?? {};
  while (gauges().durableOutboxDepth !== 0 || gauges().outboxDepth !== 0 || gauges().unconfirmed !== 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write('replayed\n');
  await warren.close();
}
