/*
 * A worker process for the scheduler broker tests (amqp-schedules.int.test.ts): runs Warren from the built packages
 * with one every-second schedule on pipeline `ticks` (queue argv[3]) and consumes only pipeline `idle` (argv[4]), so
 * the test itself reads what the schedulers dispatched. Prints one JSON line per scheduler event on stdout.
 * Usage: node scheduler-worker.mjs <amqp url> <ticks queue> <idle queue>
 */
import { Job, JobRegistry, Warren, createLogger } from '../../packages/core/dist/index.js';
import '../../packages/amqp/dist/index.js';

const [url, ticksQueue, idleQueue] = process.argv.slice(2);
const print = (event) => process.stdout.write(`${JSON.stringify({ pid: process.pid, atMs: Date.now(), ...event })}\n`);

const registry = new JobRegistry();
registry.add(Job('sched.tick', { pipeline: 'ticks', schedule: '* * * * * *', timeout: '5s' })(class { handle() {} }));
registry.add(Job('sched.idle', { pipeline: 'idle', timeout: '5s' })(class { handle() {} }));
const warren = await Warren.fromConfig({
  version: 1,
  amqp: { urls: [url], heartbeat: '5s' },
  jobs: { pipelines: { ticks: { driver: 'amqp', options: { queue: ticksQueue } }, idle: { driver: 'amqp', options: { queue: idleQueue } } } },
}, { registry, loadModules: false, logger: createLogger({ level: 'error', destination: process.stderr }) });
warren.events.on('scheduler:state', ({ to }) => print({ event: 'scheduler', state: to }));
warren.events.on('schedule:fired', ({ id, isCatchUp }) => print({ event: 'fired', id, isCatchUp }));
await warren.run({ pipelines: ['idle'] });
print({ event: 'running' });
process.once('SIGTERM', () => {
  warren.close({ timeoutMs: 2_000 }).finally(() => process.exit(0));
});
