/*
 * Issue #11, points 3 and 4: what the broker refuses ends somewhere, and nothing spins. A body above amqp.max_payload
 * is refused at dispatch and dead-lettered as too-large on receipt (unparsed, byte for byte); a publish RabbitMQ
 * refuses by closing the channel (406 over its max_message_size) rejects that dispatch alone while the ones around
 * it are confirmed; a delay queue the user may not declare rejects the retry copy, and the delivery is requeued
 * after a delay — its hand-off is tried about once a second, not thousands of times, the attempt itself runs once,
 * and channel opens stay bounded.
 * Broker settings are restored in `finally`; the restricted user and its vhost are deleted.
 */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Job, isWarrenError, type JobContext } from '../support/warren-packages.js';
import { DEFAULT_MAX_MESSAGE_SIZE, createRestrictedUser, deleteRestrictedUser, setMaxMessageSize } from '../support/broker-control.js';
import { HostileFixture, TEST_AMQP_URL, sleep } from '../support/hostile-fixture.js';

const runs = new Map<string, number>();
const ran = (ctx: JobContext) => runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);

@Job('refusal.echo', { pipeline: 'main' })
class Echo {
  handle(_payload: unknown, ctx: JobContext) {
    ran(ctx);
  }
}

@Job('refusal.failing', { pipeline: 'main', attempts: 3, backoff: { type: 'fixed', delay: '200ms', jitter: 0 } })
class Failing {
  handle(_payload: unknown, ctx: JobContext) {
    ran(ctx);
    throw new Error('always fails');
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fixture(label: string, options: { amqp?: Record<string, unknown>; url?: string } = {}): Promise<HostileFixture> {
  const f = await HostileFixture.start({ label, jobs: [Echo, Failing], ...options });
  cleanups.push(() => f.dispose());
  return f;
}

async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isWarrenError(error) ? error.code : String(error);
  }
}

/** Counts channels the driver's amqplib opens from now on (createChannel and createConfirmChannel). */
async function countChannelOpens(): Promise<{ count: () => number; restore: () => void }> {
  const amqplib = createRequire(new URL('../../packages/amqp/package.json', import.meta.url))('amqplib') as typeof import('amqplib');
  const connection = await amqplib.connect(TEST_AMQP_URL);
  const prototype = Object.getPrototypeOf(connection) as Record<'createChannel' | 'createConfirmChannel', (...args: unknown[]) => unknown>;
  await connection.close();
  let opened = 0;
  const originals = { createChannel: prototype.createChannel, createConfirmChannel: prototype.createConfirmChannel };
  for (const name of ['createChannel', 'createConfirmChannel'] as const) {
    const original = originals[name];
    prototype[name] = function counting(this: unknown, ...args: unknown[]) {
      opened++;
      return original.apply(this, args);
    };
  }
  return { count: () => opened, restore: () => Object.assign(prototype, originals) };
}

describe('amqp: publishes the broker refuses, and amqp.max_payload', () => {
  it('refuses a dispatch above amqp.max_payload and dead-letters a delivery above it as too-large, unparsed', async () => {
    const f = await fixture('payload', { amqp: { max_payload: '1KiB' } });
    expect(await rejectionCode(f.warren.dispatch(Echo, { blob: 'x'.repeat(2_000) }))).toBe('WARREN_ERR_AMQP_PUBLISH_TOO_LARGE');

    const body = Buffer.from(`{"blob":"${'é'.repeat(1_000)}"}`); // 2 KB, and not what a parser would give back
    await f.publish(body, { type: 'refusal.echo', messageId: 'big-1' });
    const letter = await f.takeDeadLetter();
    expect(letter.properties.headers?.['x-warren-dead-reason']).toBe('too-large');
    expect(String(letter.properties.headers?.['x-warren-error'])).toMatch(/^WARREN_ERR_JOB_TOO_LARGE/);
    expect(letter.content.equals(body)).toBe(true);
    expect(runs.get('big-1')).toBeUndefined();

    const good = await f.warren.dispatch(Echo, { small: true });
    await f.until(() => runs.get(good) === 1, 'a good job after the large ones');
  });

  it('rejects only the publish RabbitMQ refuses over its max_message_size (406); the ones around it are confirmed', async () => {
    await setMaxMessageSize(4_096);
    cleanups.push(() => setMaxMessageSize(DEFAULT_MAX_MESSAGE_SIZE));
    const f = await fixture('broker406'); // opened after the change: its channels take the limit
    const around: string[] = [];
    const dispatch = (payload: unknown) => f.warren.dispatch(Echo, payload).then((id) => void around.push(id));
    const outcomes = await Promise.all([
      rejectionCode(dispatch({ n: 1 })),
      rejectionCode(dispatch({ blob: 'x'.repeat(8_000) })),
      rejectionCode(dispatch({ n: 3 })),
    ]);
    expect(outcomes).toEqual([undefined, 'WARREN_ERR_AMQP_PUBLISH_TOO_LARGE', undefined]);
    // Sent again after the channel closed: at least once each (a copy the broker had stored may come twice).
    await f.until(() => around.every((id) => (runs.get(id) ?? 0) >= 1), 'the publishes around the refused one handled');
    const good = await f.warren.dispatch(Echo, { after: true });
    await f.until(() => runs.get(good) === 1, 'a good job after the refused one');
  });

  it('rejects a retry copy whose delay queue the user may not declare; the delivery is requeued after a delay, never in a loop, and its attempt runs once', async () => {
    const suffix = randomUUID().slice(0, 8);
    const vhost = `warren-refusal-${suffix}`;
    const user = `warren-refusal-${suffix}`;
    // Configure permission on everything but delay queues: Q and Q.dlq can be declared, Q.delay.<ms> cannot.
    await createRestrictedUser(vhost, user, { configure: '^(?!.*\\.delay\\.).*$', write: '.*', read: '.*' });
    cleanups.push(() => deleteRestrictedUser(vhost, user));
    const f = await fixture('nodelay', { url: `amqp://${user}:${user}@127.0.0.1:5672/${vhost}` });
    const channels = await countChannelOpens();
    cleanups.push(async () => channels.restore());

    const id = await f.warren.dispatch(Failing, {});
    await sleep(3_500);
    const refusalsIn3500Ms = f.output().split('retry hand-off failed, requeued').length - 1;
    // Held ~1 s before each requeue: about 4 hand-offs in 3.5 s. An immediate requeue loop tried thousands.
    expect(refusalsIn3500Ms).toBeGreaterThanOrEqual(2);
    expect(refusalsIn3500Ms).toBeLessThanOrEqual(6);
    // The redelivered original is not run again: attempt 1 ran once, only its retry copy is sent again.
    expect(runs.get(id)).toBe(1);
    expect(channels.count(), 'channels opened while the delay queue was refused').toBeLessThanOrEqual(2 * refusalsIn3500Ms + 2);
    expect(f.output()).toContain('WARREN_ERR_AMQP_TOPOLOGY');
    expect(f.output()).not.toContain(`${user}:${user}@`); // the password never appears
  });
});
