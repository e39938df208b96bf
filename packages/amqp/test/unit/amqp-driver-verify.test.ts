import { EventEmitter } from 'node:events';
import type { ChannelModel } from 'amqplib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSilentLogger } from '@warren/core';
import { parseAmqpPipelineOptions, parseAmqpSection } from '../../src/amqp-options.js';
import { AmqpDriver } from '../../src/amqp-driver.js';
import { amqpError } from '../../src/errors.js';

type QueueState = { readonly args: Record<string, unknown> } | 'locked' | 'forbidden';

/** A broker that answers passive and active declares like RabbitMQ: 404 missing, 405 locked, 403 forbidden, 406 other args. */
class VerifyBroker extends EventEmitter {
  readonly asserted: string[] = [];
  isClosed = false;
  isDestroyed = false;
  /** When set, every check waits forever (a broker that accepted the connection but stopped answering). */
  isSilent = false;
  readonly connection = { stream: { destroy: () => void (this.isDestroyed = true) } };
  constructor(readonly queues: Map<string, QueueState>) {
    super();
  }
  get asModel(): ChannelModel {
    return this as unknown as ChannelModel;
  }
  async createChannel() {
    const fail = (code: number, text: string) => Object.assign(new Error(`Channel closed by server: ${code} (${text})`), { code });
    const answer = async <T>(work: () => T): Promise<T> => (this.isSilent ? new Promise<T>(() => undefined) : work());
    return {
      on: () => undefined,
      close: async () => undefined,
      checkQueue: (queue: string) => answer(() => {
        const state = this.queues.get(queue);
        if (state === undefined) throw fail(404, 'NOT_FOUND');
        if (state === 'locked') throw fail(405, 'RESOURCE_LOCKED');
        if (state === 'forbidden') throw fail(403, 'ACCESS_REFUSED');
        return { queue };
      }),
      assertQueue: (queue: string, options: { arguments: Record<string, unknown> }) => answer(() => {
        this.asserted.push(queue);
        const state = this.queues.get(queue);
        // Like RabbitMQ, name the first argument that differs.
        const differing = typeof state === 'object'
          ? [...new Set([...Object.keys(options.arguments), ...Object.keys(state.args)])].find((key) => options.arguments[key] !== state.args[key])
          : undefined;
        if (typeof state === 'object' && differing !== undefined) {
          const described = (value: unknown) => (value === undefined ? 'none' : `the value '${String(value)}' of type 'longstr'`);
          throw fail(406, `PRECONDITION_FAILED - inequivalent arg '${differing}' for queue '${queue}' in vhost '/': received ${described(options.arguments[differing])} but current is ${described(state.args[differing])}`);
        }
        return { queue };
      }),
    };
  }
  async close(): Promise<void> {
    this.isClosed = true;
  }
}

const CLASSIC = { args: { 'x-queue-type': 'classic' } };
/** Q as warren run declares it: dead-lettering to Q.dlq. */
const MAIN = (queue: string) => ({ args: { 'x-queue-type': 'classic', 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': `${queue}.dlq` } });

function driverWith(urls: string[], dial: (url: string, options: { connectTimeoutMs: number }) => Promise<ChannelModel>, pipelines = ['emails']) {
  return new AmqpDriver({
    section: parseAmqpSection({ urls }),
    pipelines: pipelines.map((name) => ({ name, concurrency: 2, options: parseAmqpPipelineOptions({}) })),
    logger: createSilentLogger(),
  }, { dial, probeCheck: async () => false });
}

describe('AmqpDriver.verifyTopology (warren doctor --connect)', () => {
  afterEach(() => vi.useRealTimers());

  it('reports each queue as ok, missing, mismatch or unusable, and declares only queues that exist', async () => {
    const broker = new VerifyBroker(new Map<string, QueueState>([
      ['emails', MAIN('emails')], ['emails.dlq', { args: { 'x-queue-type': 'quorum' } }], ['reports', 'locked'], ['reports.dlq', 'forbidden'],
    ]));
    const driver = driverWith(['amqp://guest:guest@a:5672'], async () => broker.asModel, ['emails', 'reports', 'billing']);
    const findings = await driver.verifyTopology({ timeoutMs: 1_000 });
    expect(findings.map((finding) => [finding.queue, finding.status])).toEqual([
      ['emails', 'ok'], ['emails.dlq', 'mismatch'], ['reports', 'unusable'], ['reports.dlq', 'unusable'], ['billing', 'missing'], ['billing.dlq', 'missing'],
    ]);
    expect(findings[1]?.detail).toContain('WARREN_ERR_AMQP_TOPOLOGY_MISMATCH');
    expect(broker.asserted).toEqual(['emails', 'emails.dlq']); // never a missing, locked or forbidden queue
    expect(broker.isClosed).toBe(true);
    await driver.close({ timeoutMs: 0 });
  });

  it('names a Q declared without dead-lettering to Q.dlq (an older Warren) as a mismatch, with the fix', async () => {
    const broker = new VerifyBroker(new Map([['emails', CLASSIC], ['emails.dlq', CLASSIC]]));
    const driver = driverWith(['amqp://guest:guest@a:5672'], async () => broker.asModel);
    const [main, dlq] = await driver.verifyTopology({ timeoutMs: 1_000 });
    expect(main?.status).toBe('mismatch');
    expect(main?.detail).toContain('queue "emails" exists with different arguments: x-dead-letter-exchange');
    expect(main?.detail).toContain('WARREN_ERR_AMQP_TOPOLOGY_MISMATCH');
    expect(main?.detail).toContain('fix: "emails" must dead-letter to "emails.dlq"');
    expect(main?.detail).toContain('rabbitmqctl delete_queue emails');
    expect(dlq?.status).toBe('ok');
    await driver.close({ timeoutMs: 0 });
  });

  it('tries the next URL when one does not answer, and names every URL when none does', async () => {
    const dialed: string[] = [];
    const broker = new VerifyBroker(new Map([['emails', MAIN('emails')], ['emails.dlq', CLASSIC]]));
    const down = (url: string) => amqpError('WARREN_ERR_AMQP_CONN_UNAVAILABLE', `cannot connect to ${url.replace(':guest@', ':***@')}: ECONNREFUSED`);
    const failover = driverWith(['amqp://guest:guest@a:5672', 'amqp://guest:guest@b:5672'], async (url) => {
      dialed.push(url);
      if (url.includes('@a:')) throw down(url);
      return broker.asModel;
    });
    expect((await failover.verifyTopology({ timeoutMs: 1_000 })).map((finding) => finding.status)).toEqual(['ok', 'ok']);
    expect(dialed).toHaveLength(2);

    const nowhere = driverWith(['amqp://guest:guest@a:5672', 'amqp://guest:guest@b:5672'], async (url) => Promise.reject(down(url)));
    const error = await nowhere.verifyTopology({ timeoutMs: 1_000 }).then(
      () => new Error('resolved'),
      (caught: unknown) => caught as Error,
    );
    expect(error).toMatchObject({ code: 'WARREN_ERR_AMQP_CONN_UNAVAILABLE' });
    expect(error.message).toContain('@a:5672');
    expect(error.message).toContain('@b:5672');
    expect(error.message).not.toContain('guest:guest');
    await Promise.all([failover.close({ timeoutMs: 0 }), nowhere.close({ timeoutMs: 0 })]);
  });

  it('stops at a refused login without trying the other URLs', async () => {
    const dialed: string[] = [];
    const driver = driverWith(['amqp://bad:creds@a:5672', 'amqp://bad:creds@b:5672'], async (url) => {
      dialed.push(url);
      throw amqpError('WARREN_ERR_AMQP_CONN_REJECTED', 'RabbitMQ refused the login at amqp://bad:***@a:5672');
    });
    await expect(driver.verifyTopology({ timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'WARREN_ERR_AMQP_CONN_REJECTED' });
    expect(dialed).toHaveLength(1);
    await driver.close({ timeoutMs: 0 });
  });

  it('owns one deadline: URLs share what is left, and checks still running at the deadline lose their connection', async () => {
    vi.useFakeTimers();
    const budgets: number[] = [];
    const silent = new VerifyBroker(new Map([['emails', CLASSIC]]));
    silent.isSilent = true;
    const driver = driverWith(['amqp://guest:guest@a:5672', 'amqp://guest:guest@b:5672'], async (url, options) => {
      budgets.push(options.connectTimeoutMs);
      if (url.includes('@a:')) {
        await new Promise((resolve) => setTimeout(resolve, options.connectTimeoutMs)); // a dial that times out
        throw amqpError('WARREN_ERR_AMQP_CONN_UNAVAILABLE', 'cannot connect to amqp://guest:***@a:5672: timed out');
      }
      return silent.asModel;
    });
    const outcome = driver.verifyTopology({ timeoutMs: 1_000 }).catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(budgets).toEqual([500, 500]);
    expect(await outcome).toMatchObject({ code: 'WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE', message: expect.stringContaining('did not finish within 1000 ms') });
    expect(silent.isDestroyed).toBe(true);
    await driver.close({ timeoutMs: 0 });
  });
});
