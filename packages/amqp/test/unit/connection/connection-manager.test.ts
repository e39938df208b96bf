import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { amqpError } from '../../../src/errors.js';
import type { ConnectionSession } from '../../../src/connection/connection-session.js';
import { harness, mismatch, refused, shutdownBreakers, unavailable, type FakeConnection } from '../../fakes/connection-harness.js';

describe('ConnectionManager', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    shutdownBreakers();
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
    ['ACCESS_REFUSED on the first dial', [refused()], async (): Promise<void> => undefined, 'WARREN_ERR_AMQP_CONN_REJECTED'],
    ['a topology mismatch on the first setup', ['ok' as const], async (): Promise<void> => Promise.reject(mismatch()), 'WARREN_ERR_AMQP_TOPOLOGY_MISMATCH'],
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

  it('starts a new session on every reconnect, ends the old one once, and ignores events of the old connection', async () => {
    const sessions: ConnectionSession[] = [];
    const h = harness({}, ['ok', 'ok'], async (_generation, session) => void sessions.push(session));
    await h.manager.start();
    const old = h.connections[0] as FakeConnection;
    const aborts: unknown[] = [];
    sessions[0]?.signal.addEventListener('abort', () => aborts.push(sessions[0]?.signal.reason));
    old.dropConnection(new Error('gone'));
    old.emit('close', new Error('a second close of the same connection'));
    await vi.advanceTimersByTimeAsync(100);
    expect(sessions.map((session) => [session.generation, session.state])).toEqual([[1, 'lost'], [2, 'live']]);
    expect(aborts).toHaveLength(1);
    expect(h.manager.session).toBe(sessions[1]);
    old.block('late event from a dead connection');
    expect(h.manager.state).toBe('ready');
    await h.manager.close(async () => undefined);
  });

  it('close() is memoised: called twice, concurrently, it returns the same promise and closes the connection once', async () => {
    const h = harness({}, ['ok']);
    await h.manager.start();
    const first = h.manager.close();
    expect(h.manager.close()).toBe(first);
    await first;
    expect(h.manager.state).toBe('closed');
    expect(h.manager.session).toBeUndefined();
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

  it('dropConnection() redials at once and destroys the dropped socket, within a bound when close-ok never comes', async () => {
    const h = harness({}, ['ok', 'ok']);
    await h.manager.start();
    const dropped = h.connections[0] as FakeConnection;
    dropped.isCloseHanging = true; // a dead peer
    h.manager.dropConnection(new Error('unusable'));
    expect(h.manager.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(dropped.isDestroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(dropped.isDestroyed).toBe(true);
    expect(h.manager.state).toBe('ready');
    const healthy = h.connections[1] as FakeConnection;
    h.manager.dropConnection(new Error('unusable again'));
    await vi.advanceTimersByTimeAsync(0);
    expect(healthy.isClosed && healthy.isDestroyed).toBe(true);
    await h.manager.close(async () => undefined);
  });

  /**
   * Calls close() while `connection`'s socket is still being let go in the background (DROP_CLOSE_TIMEOUT_MS,
   * 1 s): close() must not return before that socket is destroyed, and must return right after.
   */
  async function expectCloseToWaitForDestroy(h: ReturnType<typeof harness>, connection: FakeConnection): Promise<void> {
    let isClosed = false;
    const closing = h.manager.close(async () => undefined).then(() => (isClosed = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(isClosed).toBe(false);
    expect(connection.isDestroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(connection.isDestroyed).toBe(true);
  }

  it('close() after a dropped connection whose close-ok never comes returns only once its socket is destroyed', async () => {
    const h = harness({}, ['ok', ...Array.from({ length: 10 }, unavailable)]);
    await h.manager.start();
    const connection = h.connections[0] as FakeConnection;
    connection.isCloseHanging = true; // a dead peer: released in the background, destroyed after DROP_CLOSE_TIMEOUT_MS
    h.manager.dropConnection(new Error('unusable'));
    await expectCloseToWaitForDestroy(h, connection);
  });

  it('a connection that failed for good (fatal setup error) is destroyed in the background, and close() waits for it', async () => {
    const h = harness({}, ['ok'], async () => {
      (h.connections[0] as FakeConnection).isCloseHanging = true; // and the broker stops answering
      throw mismatch();
    });
    await expect(h.manager.start()).rejects.toMatchObject({ code: 'WARREN_ERR_AMQP_TOPOLOGY_MISMATCH' });
    const connection = h.connections[0] as FakeConnection;
    expect(h.manager.state).toBe('failed');
    await expectCloseToWaitForDestroy(h, connection);
  });

  it('destroys the socket of a connection lost to a silent peer (amqplib only ends it), and redials', async () => {
    const h = harness({}, ['ok', 'ok']);
    await h.manager.start();
    const lost = h.connections[0] as FakeConnection;
    lost.loseSilently(new Error('Heartbeat timeout'));
    expect(h.manager.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(lost.isDestroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(lost.isDestroyed).toBe(true);
    expect(h.manager.state).toBe('ready');
    const forced = h.connections[1] as FakeConnection;
    forced.dropConnection(new Error('CONNECTION_FORCED')); // the broker closes its side too: nothing to destroy
    await vi.advanceTimersByTimeAsync(1_000);
    expect(forced.isDestroyed).toBe(false);
    await h.manager.close(async () => undefined);
  });

  it('close() right after a silent loss returns once that socket is destroyed', async () => {
    const h = harness({}, ['ok']);
    await h.manager.start();
    const lost = h.connections[0] as FakeConnection;
    lost.loseSilently(new Error('Heartbeat timeout'));
    await expectCloseToWaitForDestroy(h, lost);
  });

  it('refuses a second start()', async () => {
    const h = harness({}, ['ok']);
    await h.manager.start();
    await expect(h.manager.start()).rejects.toMatchObject({ code: 'WARREN_ERR_AMQP_CONN_ILLEGAL_STATE' });
    await h.manager.close(async () => undefined);
  });
});
