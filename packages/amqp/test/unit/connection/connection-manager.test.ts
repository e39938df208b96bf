import { EventEmitter } from 'node:events';
import type { ChannelModel } from 'amqplib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@warren/core';
import { parseAmqpSection } from '../../../src/amqp-options.js';
import { BrokerBreaker } from '../../../src/breaker/broker-breaker.js';
import { ConnectionManager } from '../../../src/connection/connection-manager.js';
import type { ConnectionState } from '../../../src/connection/connection-state.js';
import { amqpError } from '../../../src/errors.js';

/** A fake amqplib ChannelModel whose controls are named after what the broker does. */
class FakeConnection extends EventEmitter {
  isClosed = false;
  isCloseHanging = false;
  isDestroyed = false;
  /** Like amqplib's ChannelModel.connection.stream: the socket, destroyed when close() does not finish in time. */
  readonly connection = { stream: { destroy: () => void (this.isDestroyed = true) } };
  async close(): Promise<void> {
    if (this.isCloseHanging) return new Promise(() => undefined);
    if (this.isClosed) return;
    this.isClosed = true;
    this.emit('close');
  }
  dropConnection(error: Error): void {
    this.isClosed = true;
    this.emit('error', error);
    this.emit('close', error);
  }
  block(reason: string): void {
    this.emit('blocked', reason);
  }
  unblock(): void {
    this.emit('unblocked');
  }
}

type DialOutcome = 'ok' | Error;
const breakers: BrokerBreaker[] = [];

function harness(rawSection: Record<string, unknown>, outcomes: DialOutcome[], setup: (generation: number) => Promise<void> = async () => undefined) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  const section = parseAmqpSection({ ...rawSection, redial: { schedule: [100, 200, 400], jitter: 0, ...(rawSection.redial as object) } });
  const dialedUrls: string[] = [];
  const connections: FakeConnection[] = [];
  const breaker = new BrokerBreaker({ failureThreshold: 1_000, resetTimeoutMs: 10_000 });
  breakers.push(breaker);
  const manager = new ConnectionManager({
    section, logger, breaker,
    setup: (_model, generation) => setup(generation),
    dial: async (url) => {
      dialedUrls.push(url);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome instanceof Error) throw outcome;
      const connection = new FakeConnection();
      connections.push(connection);
      return connection as unknown as ChannelModel;
    },
  });
  const states: ConnectionState[] = [];
  const retries: number[] = [];
  const fatal: unknown[] = [];
  manager.events.on('connection:state', ({ to }) => states.push(to));
  manager.events.on('connection:retry', ({ delayMs }) => retries.push(delayMs));
  manager.events.on('connection:fatal', ({ error }) => fatal.push(error));
  return { manager, lines, dialedUrls, connections, states, retries, fatal, breaker };
}

const unavailable = () => amqpError('WARREN_ERR_AMQP_CONN_UNAVAILABLE', 'connect ECONNREFUSED');
const refused = () => amqpError('WARREN_ERR_AMQP_CONN_REJECTED', 'ACCESS_REFUSED');
const mismatch = () => amqpError('WARREN_ERR_AMQP_TOPOLOGY_MISMATCH', 'queue "q" exists with different arguments');

describe('ConnectionManager', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    for (const breaker of breakers.splice(0)) breaker.shutdown();
    vi.useRealTimers();
  });

  it('redials on the schedule, repeating its last step, until the broker answers', async () => {
    const h = harness({}, [unavailable(), unavailable(), unavailable(), unavailable(), 'ok']);
    await h.manager.start();
    expect(h.manager.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 400);
    expect(h.retries).toEqual([100, 200, 400, 400]);
    expect(h.manager.state).toBe('ready');
    expect(h.states).toEqual(['connecting', 'reconnecting', 'connected', 'ready']);
    expect(h.manager.gauges).toMatchObject({ redials: 4, consecutiveFailedRedials: 0, generation: 1 });
    await h.manager.close(async () => undefined);
  });

  it('tries several URLs in turn', async () => {
    const h = harness({ urls: ['amqp://a:5672', 'amqp://b:5672'] }, [unavailable(), 'ok']);
    await h.manager.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(h.dialedUrls).toEqual(['amqp://a:5672', 'amqp://b:5672']);
    expect(h.manager.state).toBe('ready');
    await h.manager.close(async () => undefined);
  });

  it.each([
    ['ACCESS_REFUSED on the first dial', [refused()], async () => undefined, 'WARREN_ERR_AMQP_CONN_REJECTED'],
    ['a topology mismatch on the first setup', ['ok' as const], async () => Promise.reject(mismatch()), 'WARREN_ERR_AMQP_TOPOLOGY_MISMATCH'],
  ])('fails for good on %s before the first connection', async (_label, outcomes, setup, code) => {
    const h = harness({}, outcomes, setup);
    await expect(h.manager.start()).rejects.toMatchObject({ code });
    expect(h.manager.state).toBe('failed');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.dialedUrls).toHaveLength(1);
    expect(h.fatal).toHaveLength(1);
  });

  it('keeps redialing after a loss even when the broker refuses the login or the topology mismatches', async () => {
    let setupCalls = 0;
    const h = harness({}, ['ok', refused(), 'ok', 'ok'], async () => {
      setupCalls++;
      if (setupCalls === 2) throw mismatch();
    });
    await h.manager.start();
    h.connections[0]?.dropConnection(new Error('CONNECTION_FORCED'));
    expect(h.manager.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(100); // refused → retry
    await vi.advanceTimersByTimeAsync(200); // mismatch in setup → dropped → retry
    await vi.advanceTimersByTimeAsync(400);
    expect(h.manager.state).toBe('ready');
    expect(h.manager.generation).toBe(3);
    expect(h.fatal).toEqual([]);
    await h.manager.close(async () => undefined);
  });

  it('gives up after redial.timeout disconnected: state failed and a fatal WARREN_ERR_AMQP_CONN_TIMEOUT', async () => {
    const h = harness({ redial: { timeout: 1_000 } }, ['ok', ...Array.from({ length: 50 }, unavailable)]);
    await h.manager.start();
    h.connections[0]?.dropConnection(new Error('socket closed'));
    await vi.advanceTimersByTimeAsync(999);
    expect(h.manager.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1);
    expect(h.manager.state).toBe('failed');
    expect(h.fatal).toEqual([expect.objectContaining({ code: 'WARREN_ERR_AMQP_CONN_TIMEOUT' })]);
    const dials = h.dialedUrls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.dialedUrls).toHaveLength(dials);
  });

  it('logs an error with event amqp.redial.threshold once alert_after redials failed in a row', async () => {
    const h = harness({ redial: { alert_after: 3 } }, Array.from({ length: 10 }, unavailable));
    await h.manager.start();
    await vi.advanceTimersByTimeAsync(100 + 200 + 400);
    const alerts = () => h.lines.filter((line) => line.event === 'amqp.redial.threshold');
    expect(h.manager.gauges.consecutiveFailedRedials).toBe(3);
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]).toMatchObject({ level: 50, consecutiveFailedRedials: 3 });
    expect(h.manager.gauges.redialAlert).toBe(1);
    await h.manager.close(async () => undefined);
  });

  it('starts a new generation on every reconnect and ignores events of the old connection', async () => {
    const generations: number[] = [];
    const h = harness({}, ['ok', 'ok'], async (generation) => void generations.push(generation));
    await h.manager.start();
    const old = h.connections[0] as FakeConnection;
    old.dropConnection(new Error('gone'));
    await vi.advanceTimersByTimeAsync(100);
    expect(generations).toEqual([1, 2]);
    expect(h.manager.isCurrent(1)).toBe(false);
    old.block('late event from a dead connection');
    expect(h.manager.state).toBe('ready');
    await h.manager.close(async () => undefined);
  });

  it('goes blocked and back to ready with the broker', async () => {
    const h = harness({}, ['ok']);
    await h.manager.start();
    h.connections[0]?.block('low on memory');
    expect(h.manager.state).toBe('blocked');
    expect(h.manager.gauges.blocked).toBe(1);
    h.connections[0]?.unblock();
    expect(h.manager.state).toBe('ready');
    await h.manager.close(async () => undefined);
  });

  it('closes idempotently, runs the flush before disconnecting and dials nothing afterwards', async () => {
    const h = harness({}, [unavailable(), 'ok']);
    await h.manager.start();
    const order: string[] = [];
    await h.manager.close(async () => void order.push('flush'));
    await h.manager.close(async () => void order.push('second flush'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(order).toEqual(['flush']);
    expect(h.manager.state).toBe('closed');
    expect(h.dialedUrls).toHaveLength(1);
  });

  it('backs off (and alerts) when setup keeps failing after the first connection, instead of redialing at the first step forever', async () => {
    let setups = 0;
    const h = harness({ redial: { alert_after: 3 } }, [], async () => {
      setups++;
      if (setups > 1) throw amqpError('WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE', 'declare failed');
    });
    await h.manager.start();
    h.connections[0]?.dropConnection(new Error('CONNECTION_FORCED'));
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 400);
    expect(h.retries).toEqual([100, 200, 400, 400, 400]);
    expect(h.manager.gauges.consecutiveFailedRedials).toBe(4);
    expect(h.lines.filter((line) => line.event === 'amqp.redial.threshold')).toHaveLength(1);
    await h.manager.close(async () => undefined);
  });

  it('close() is bounded: a connection that never answers connection.close is destroyed at the deadline', async () => {
    const h = harness({}, ['ok']);
    await h.manager.start();
    const connection = h.connections[0] as FakeConnection;
    connection.isCloseHanging = true;
    let isClosed = false;
    const closing = h.manager.close(async () => undefined, 1_000).then(() => (isClosed = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(isClosed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(connection.isDestroyed).toBe(true);
    expect(h.manager.state).toBe('closed');
    h.breaker.shutdown();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a second start()', async () => {
    const h = harness({}, ['ok']);
    await h.manager.start();
    await expect(h.manager.start()).rejects.toMatchObject({ code: 'WARREN_ERR_AMQP_CONN_ILLEGAL_STATE' });
    await h.manager.close(async () => undefined);
  });
});
