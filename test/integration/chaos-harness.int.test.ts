/*
 * The chaos harness itself, tested against the real broker with plain amqplib (no Warren code):
 * the TCP proxy's network controls, the rabbitmqctl wrappers, and the ledger's lost/duplicate maths.
 * If these lie, every chaos test lies, so each control is shown to have the effect it is named after.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import amqp from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteQueue, listConnections, listQueues } from '../support/broker-control.js';
import { JobLedger } from '../support/job-ledger.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { withDeadline } from '../support/with-deadline.js';

type AmqpConnection = Awaited<ReturnType<typeof amqp.connect>>;

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
});

async function startProxy(options?: Parameters<typeof TcpProxy.start>[0]): Promise<TcpProxy> {
  const proxy = await TcpProxy.start(options);
  cleanups.push(() => proxy.close());
  return proxy;
}

async function connectThrough(proxy: TcpProxy, options: { heartbeatSeconds?: number; name?: string } = {}): Promise<AmqpConnection> {
  const connection = await amqp.connect(`${proxy.amqpUrl()}?heartbeat=${options.heartbeatSeconds ?? 0}`, {
    clientProperties: { connection_name: options.name ?? `chaos-harness-${randomUUID()}` },
  });
  connection.on('error', () => undefined); // the tests observe 'close'
  cleanups.push(() => connection.close());
  return connection;
}

/** Resolves on 'close' (events.once would reject on the 'error' that precedes it). */
function closeOf(connection: AmqpConnection): Promise<void> {
  return new Promise((resolve) => connection.once('close', () => resolve()));
}


describe('TcpProxy', () => {
  it('forwards an AMQP connection to the broker, which sees its connection_name', async () => {
    const proxy = await startProxy();
    const name = `chaos-harness-${randomUUID()}`;
    const connection = await connectThrough(proxy, { name });
    const channel = await connection.createChannel();
    const queue = `chaos-harness-${randomUUID()}`;
    cleanups.push(() => deleteQueue(queue));
    await channel.assertQueue(queue, { durable: false, exclusive: true }); // gone with the connection, whatever happens
    channel.sendToQueue(queue, Buffer.from('ping'));
    const message = await withDeadline(
      (async () => {
        for (;;) {
          const got = await channel.get(queue, { noAck: true });
          if (got) return got;
        }
      })(),
      5_000,
      'the message back through the proxy',
    );
    expect(message.content.toString()).toBe('ping');
    expect((await listConnections()).some((c) => c.connectionName === name)).toBe(true);
    expect(proxy.acceptedCount).toBe(1);
  });

  it('blackhole(): the connection stays open until heartbeats notice the dead peer', async () => {
    const proxy = await startProxy();
    const connection = await connectThrough(proxy, { heartbeatSeconds: 1 });
    const closed = closeOf(connection);
    proxy.blackhole();
    expect(proxy.openConnections).toBe(1);
    // amqplib gives up after two missed heartbeats (about 2s with heartbeat=1).
    await withDeadline(closed, 6_000, 'the heartbeat timeout');
    await proxy.restore();
    const again = await connectThrough(proxy);
    await again.createChannel();
  });

  it('blackhole(): without heartbeats nothing notices, and restore() lets held bytes flow on', async () => {
    const proxy = await startProxy();
    const connection = await connectThrough(proxy);
    let isClosed = false;
    connection.on('close', () => (isClosed = true));
    proxy.blackhole();
    const channelPromise = connection.createChannel();
    const outcome = await Promise.race([channelPromise.then(() => 'opened'), new Promise((r) => setTimeout(r, 500, 'silent'))]);
    expect(outcome).toBe('silent');
    expect(isClosed).toBe(false);
    await proxy.restore();
    await withDeadline(channelPromise, 5_000, 'the channel after restore');
  });

  it('dropAll(): connections are cut at once', async () => {
    const proxy = await startProxy();
    const connection = await connectThrough(proxy, { heartbeatSeconds: 60 });
    const closed = closeOf(connection);
    proxy.dropAll();
    await withDeadline(closed, 3_000, 'the connection to close');
    expect(proxy.openConnections).toBe(0);
  });

  it('refuse(): new connections are refused until restore()', async () => {
    const proxy = await startProxy({ startRefusing: true });
    await expect(amqp.connect(proxy.amqpUrl())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.restore();
    const connection = await connectThrough(proxy);
    await connection.createChannel();
    expect(proxy.state).toBe('forwarding');
  });
  it('refuse(): existing connections keep working until dropAll() cuts them', async () => {
    const proxy = await startProxy();
    const connection = await connectThrough(proxy);
    await withDeadline(proxy.refuse(), 1_000, 'refuse() to return while a connection is open');
    await withDeadline(connection.createChannel(), 3_000, 'a channel on the existing connection');
    const closed = closeOf(connection);
    proxy.dropAll();
    await withDeadline(closed, 3_000, 'the connection to close');
    await expect(amqp.connect(proxy.amqpUrl())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('broker-control', () => {
  it('lists and deletes queues out of band', async () => {
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    cleanups.push(() => connection.close());
    const channel = await connection.createChannel();
    const queue = `chaos-harness-${randomUUID()}`;
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    channel.sendToQueue(queue, Buffer.from('x'));
    await channel.checkQueue(queue);
    const listed = (await listQueues()).find((q) => q.name === queue);
    expect(listed?.arguments['x-queue-type']).toBe('classic');
    await deleteQueue(queue);
    await deleteQueue(queue); // a missing queue is not an error
    expect((await listQueues()).some((q) => q.name === queue)).toBe(false);
  });

  it('lists a connection still in its handshake (no client properties yet) beside the named ones', async () => {
    // Another test's client may be mid-handshake whenever a chaos test lists connections: the broker then
    // reports its client_properties as "none", not a list (this threw in CI once).
    const socket = net.connect(5672, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = new Promise<void>((resolve) => socket.once('data', () => resolve())); // connection.start: never answered
    socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'binary'));
    await withDeadline(started, 5_000, 'connection.start from the broker');
    const name = `chaos-harness-${randomUUID()}`;
    const named = await amqp.connect('amqp://guest:guest@127.0.0.1:5672', { clientProperties: { connection_name: name } });
    cleanups.push(() => named.close());

    const connections = await listConnections();
    const port = String(socket.localPort);
    const halfOpen = connections.find((c) => c.name.startsWith(`127.0.0.1:${port} `));
    expect(halfOpen).toMatchObject({ state: 'starting', connectionName: undefined });
    expect(connections.some((c) => c.connectionName === name)).toBe(true);
  });
});

describe('JobLedger', () => {
  it.each([
    { case: 'all handled once', confirmed: ['a', 'b'], handled: ['a', 'b'], lost: [], duplicates: [] },
    { case: 'one lost', confirmed: ['a', 'b'], handled: ['a'], lost: ['b'], duplicates: [] },
    { case: 'one duplicated', confirmed: ['a'], handled: ['a', 'a', 'a'], lost: [], duplicates: [{ id: 'a', count: 3 }] },
  ])('reports lost and duplicate jobs: $case', ({ confirmed, handled, lost, duplicates }) => {
    const ledger = new JobLedger('table');
    for (const id of confirmed) ledger.dispatching(id), ledger.confirmed(id);
    for (const id of handled) ledger.handled(id);
    expect(ledger.report()).toMatchObject({ lost, duplicates, unexpected: [] });
  });

  it('waitUntilAllHandled waits for pending publishes and rejects with the lost ids on timeout', async () => {
    const ledger = new JobLedger('wait');
    ledger.dispatching('a');
    ledger.handled('a');
    const waiting = ledger.waitUntilAllHandled({ timeoutMs: 2_000 });
    ledger.confirmed('a');
    await expect(waiting).resolves.toMatchObject({ confirmed: 1, lost: [] });
    ledger.dispatching('b');
    ledger.confirmed('b');
    await expect(ledger.waitUntilAllHandled({ timeoutMs: 50 })).rejects.toThrow(/first lost ids: b/);
  });
});
