/*
 * `pnpm demo`: dispatches four jobs — two that succeed, one that retries once, one that is
 * dead-lettered — prints what happens to each, and exits 0. In-memory by default; set AMQP_URL to
 * run the same jobs through RabbitMQ.
 */
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { WARREN_HEADERS, Warren } from '@warren/core';

const useBroker = Boolean(process.env.AMQP_URL);
if (useBroker) await import('@warren/amqp'); // registers the amqp driver
const configFile = fileURLToPath(new URL(useBroker ? '../warren.amqp.yaml' : '../warren.yaml', import.meta.url));

const warren = await Warren.fromConfig(configFile);
// The same module instances that Warren loaded from jobs.modules.
const { SendWelcomeEmail } = await import('./jobs/send-welcome-email.js');
const { BuildReport } = await import('./jobs/build-report.js');
const { ChargeCard } = await import('./jobs/charge-card.js');

const settled = new Set<string>();
const expected = new Set<string>();
let allSettled: () => void = () => {};
const done = new Promise<void>((resolve) => (allSettled = resolve));
// Jobs may settle before dispatch() returns their ids, so both sides check.
const checkAllSettled = () => {
  if (expected.size > 0 && [...expected].every((id) => settled.has(id))) allSettled();
};
const settle = (id: string | undefined) => {
  if (id !== undefined) settled.add(id);
  checkAllSettled();
};

warren.events.on('job:succeeded', ({ job, durationMs }) => {
  console.log(`  ✔ ${job.name} succeeded on attempt ${job.attempt}/${job.maxAttempts} (${durationMs.toFixed(1)} ms)`);
  settle(job.id);
});
// A failure that is not retried is told once, by its dead-letter line (job:deadLettered follows job:failed).
warren.events.on('job:failed', ({ job, error, retryInMs }) => {
  if (retryInMs === undefined) return;
  console.log(`  ↻ ${job.name} failed attempt ${job.attempt}/${job.maxAttempts}: ${(error as Error).message} — retrying in ${Math.round(retryInMs)} ms`);
});
warren.events.on('job:deadLettered', ({ job, reason, error }) => {
  const attempt = job.attempt === undefined ? '' : ` after attempt ${job.attempt}/${job.maxAttempts}`;
  console.log(`  ✖ ${job.name ?? 'message'} dead-lettered${attempt} (${reason}, not retried): ${(error as Error | undefined)?.message ?? ''}`);
  settle(job.id);
});

console.log(`Warren basic example on the ${useBroker ? 'amqp' : 'memory'} driver`);
await warren.run();

const ids = await Promise.all([
  warren.dispatch(SendWelcomeEmail, { userId: 'u-1', email: 'ada@example.com' }),
  warren.dispatch(SendWelcomeEmail, { userId: 'u-2', email: 'alan@example.com' }),
  warren.dispatch(BuildReport, { reportId: 'r-7' }),
  warren.dispatch(ChargeCard, { cardId: 'declined-4242', cents: 1999 }),
]);
for (const id of ids) expected.add(id);
checkAllSettled();
console.log(`dispatched ${ids.length} jobs`);

const timeout = setTimeout(() => {
  console.error(`only ${[...expected].filter((id) => settled.has(id)).length} of ${expected.size} jobs settled within 15 s`);
  process.exit(1);
}, 15_000);
await done;
clearTimeout(timeout);

// billing.charge runs on the reports pipeline, so its dead letter sits in that pipeline's dead-letter queue.
const deadLetters = await warren.peekDeadLetters('reports', 10);
console.log(`dead letters of pipeline "reports": ${deadLetters.length}`);
for (const { properties } of deadLetters) {
  const reason = properties.headers[WARREN_HEADERS.deadReason];
  console.log(`  ${properties.type} ${properties.messageId} (${String(reason)}): ${String(properties.headers[WARREN_HEADERS.error])}`);
}
// With a broker the dead letters outlive this process: `warren dlq list` can show them later.
if (useBroker) console.log('inspect them later with `warren dlq list reports -c examples/basic/warren.amqp.yaml`');
await warren.close();
console.log('done');
