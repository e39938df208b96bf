/*
 * Hostile producers on RabbitMQ (issue 11, points 1 and 2): Warren headers and properties of the wrong
 * type or out of range count as absent, so a failing job still runs exactly `attempts` times and lands in
 * Q.dlq; an unexpected exception in Warren's own handling dead-letters the message as internal-error;
 * and when even that dead letter is refused, the message is requeued after a delay, never in a loop.
 * Each test has its own queues; after each hostile message a good one must still be handled.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { clearPolicy, setQueuePolicy } from '../support/broker-control.js';
import { HostileFixture, sleep } from '../support/hostile-fixture.js';
import { Job, type JobContext, type JobRegistry } from '../support/warren-packages.js';

const SECRET = 'hunter2-hostile';
/** Handler runs per message id. */
const runs = new Map<string, number>();
const count = (id: string) => runs.get(id) ?? 0;
const record = (ctx: JobContext) => void runs.set(ctx.id, count(ctx.id) + 1);

@Job('hostile.fail', { pipeline: 'main', attempts: 2, backoff: { type: 'fixed', delay: '100ms', jitter: 0 } })
class FailJob {
  handle(_payload: unknown, ctx: JobContext) {
    record(ctx);
    throw new Error(`always fails (db at amqp://app:${SECRET}@db)`);
  }
}

@Job('hostile.ok', { pipeline: 'main' })
class OkJob {
  handle(_payload: unknown, ctx: JobContext) {
    record(ctx);
  }
}

/** A bug in Warren's own lookup, for one job name: the delivery must still end somewhere. */
function breakLookupOf(name: string) {
  return (registry: JobRegistry) => {
    const find = registry.find.bind(registry);
    registry.find = (job: string) => {
      if (job === name) throw new RangeError(`Invalid time value (cache amqp://app:${SECRET}@cache)`);
      return find(job);
    };
  };
}

let fixture: HostileFixture | undefined;
afterEach(async () => {
  if (fixture) expect(fixture.output()).not.toContain(SECRET);
  await fixture?.dispose();
  fixture = undefined;
});

/** Sends a good job and waits until its handler ran once. */
async function expectGoodJobHandled(hostile: HostileFixture): Promise<void> {
  const id = `good-${randomUUID()}`;
  await hostile.publish('{"ok":true}', { type: 'hostile.ok', messageId: id, persistent: true });
  await hostile.until(() => count(id) === 1, `the good job ${id} after the hostile one`);
}

describe('hostile Warren headers and properties', () => {
  const body = Buffer.from('{"order":7,"note":"caf\u00e9"}');
  it.each([
    ['x-warren-enqueued-at: 1e300', { headers: { 'x-warren-enqueued-at': { '!': 'double', value: 1e300 } } }, ['x-warren-enqueued-at']],
    ['x-warren-enqueued-at past year 9999', { headers: { 'x-warren-enqueued-at': '+275760-09-13T00:00:00.000Z' } }, ['x-warren-enqueued-at']],
    ['x-warren-enqueued-at as a table', { headers: { 'x-warren-enqueued-at': { when: { deep: 'yesterday' } } } }, ['x-warren-enqueued-at']],
    ['a timestamp in nanoseconds', { timestamp: 1_767_323_045_000_000_000 }, ['timestamp']],
    ['a timestamp in milliseconds', { timestamp: 1_767_323_045_000 }, ['timestamp']],
    ['x-warren-attempt: 1e300', { headers: { 'x-warren-attempt': { '!': 'double', value: 1e300 } } }, ['x-warren-attempt']],
    ['x-warren-attempt: -3', { headers: { 'x-warren-attempt': -3 } }, ['x-warren-attempt']],
    ['x-warren-attempt: 2.5', { headers: { 'x-warren-attempt': 2.5 } }, ['x-warren-attempt']],
    ['x-warren-attempt: "many"', { headers: { 'x-warren-attempt': 'many' } }, ['x-warren-attempt']],
    ['everything wrong at once', { timestamp: 1e18, headers: { 'x-warren-attempt': 0, 'x-warren-enqueued-at': 'soon' } }, ['timestamp', 'x-warren-attempt', 'x-warren-enqueued-at']],
  ] as const)('runs a failing job with %s exactly `attempts` times, then dead-letters it', async (_title, props, malformed) => {
    fixture = await HostileFixture.start({ label: 'hdr', jobs: [FailJob, OkJob], delayQueuesMs: [100] });
    const id = `hostile-${randomUUID()}`;
    await fixture.publish(body, { type: 'hostile.fail', messageId: id, persistent: true, ...props });

    const letter = await fixture.takeDeadLetter();
    expect(letter.properties.messageId).toBe(id);
    expect(letter.properties.headers?.['x-warren-dead-reason']).toBe('attempts-exhausted');
    expect(letter.properties.headers?.['x-warren-attempt']).toBe(2);
    expect(String(letter.properties.headers?.['x-warren-enqueued-at'])).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(String(letter.properties.headers?.['x-warren-error'])).not.toContain(SECRET);
    expect(Buffer.compare(letter.content, body)).toBe(0);
    await sleep(300); // a loop would keep running the handler; there must be none
    expect(count(id)).toBe(2);
    expect(await fixture.depth()).toBe(0);
    expect(await fixture.depth(fixture.dlq)).toBe(0);

    const warnings = fixture.logs.matching('WARREN_WRN_005').map((line) => JSON.parse(line) as { jobId: string; fields: string[] });
    expect(warnings).toEqual([expect.objectContaining({ jobId: id, fields: malformed })]);
    await expectGoodJobHandled(fixture);
  });
});

describe('an unexpected exception in Warren', () => {
  it('dead-letters the message as internal-error with the code and redacted cause, body byte for byte', async () => {
    fixture = await HostileFixture.start({ label: 'int', jobs: [OkJob], prepare: breakLookupOf('hostile.boom') });
    const body = Buffer.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x31, 0x7d, 0x0a]);
    await fixture.publish(body, { type: 'hostile.boom', messageId: 'boom-1', persistent: true, headers: { tenant: 'acme' } });

    const letter = await fixture.takeDeadLetter();
    const headers = letter.properties.headers ?? {};
    expect(headers['x-warren-dead-reason']).toBe('internal-error');
    expect(String(headers['x-warren-error'])).toMatch(/^WARREN_ERR_WORKER_INTERNAL: unexpected error while handling message boom-1: RangeError: Invalid time value/);
    expect(String(headers['x-warren-error'])).not.toContain(SECRET);
    expect(headers.tenant).toBe('acme');
    expect(Buffer.compare(letter.content, body)).toBe(0);
    expect(count('boom-1')).toBe(0);
    expect(await fixture.depth()).toBe(0);
    expect(fixture.logs.matching('WARREN_ERR_WORKER_INTERNAL').length).toBeGreaterThan(0);
    await expectGoodJobHandled(fixture);
  });

  it('requeues after a delay, never in a loop, while Q.dlq refuses the dead letter; lands there once it takes it', async () => {
    let lookups = 0;
    fixture = await HostileFixture.start({
      label: 'int-refused',
      jobs: [OkJob],
      prepare: (registry) => {
        breakLookupOf('hostile.boom')(registry);
        const find = registry.find.bind(registry);
        registry.find = (job: string) => {
          if (job === 'hostile.boom') lookups += 1;
          return find(job);
        };
      },
    });
    // A full Q.dlq that rejects publishes: the broker nacks the dead letter, so the driver refuses the copy.
    const policy = `${fixture.queue}-full`;
    await setQueuePolicy(policy, fixture.dlq, { 'max-length': 0, overflow: 'reject-publish' });
    try {
      await fixture.publish('{"x":1}', { type: 'hostile.boom', messageId: 'boom-2', persistent: true });
      await fixture.until(() => lookups >= 1, 'the first delivery');
      await sleep(6_000);
      // One delivery per ~2.75 s: the nacked dead letter is re-sent 3 times (250+500+1000 ms) before the copy is
      // refused, then the delivery is requeued after ~1 s (an immediate requeue loop makes thousands).
      expect(lookups).toBeGreaterThanOrEqual(2);
      expect(lookups).toBeLessThanOrEqual(4);
      expect(fixture.logs.matching('requeueing after a delay').length).toBeGreaterThanOrEqual(1);
      expect(fixture.logs.matching('WARREN_ERR_AMQP_PUBLISH_NACKED').length).toBeGreaterThanOrEqual(1);
    } finally {
      await clearPolicy(policy);
    }
    const letter = await fixture.takeDeadLetter();
    expect(letter.properties.headers?.['x-warren-dead-reason']).toBe('internal-error');
    expect(letter.properties.messageId).toBe('boom-2');
    await expectGoodJobHandled(fixture);
    expect(await fixture.depth()).toBe(0);
  });
});
