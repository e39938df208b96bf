import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPort, probeTarget } from '../../../src/connection/reachability-probe.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A loopback server that accepts and counts connections (and the bytes sent to it). */
async function listen(): Promise<{ port: number; accepted: () => number; bytes: () => number }> {
  let accepted = 0;
  let bytes = 0;
  const server = net.createServer((socket) => {
    accepted++;
    socket.on('data', (chunk) => (bytes += chunk.length));
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, accepted: () => accepted, bytes: () => bytes };
}

describe('probeTarget', () => {
  it.each([
    ['amqp://guest:guest@127.0.0.1:5672', '127.0.0.1', 5672],
    ['amqp://rabbit.internal', 'rabbit.internal', 5672],
    ['amqps://user:pw@rabbit.internal/vhost', 'rabbit.internal', 5671],
    ['amqp://[::1]:5673', '::1', 5673],
  ])('%s → %s:%d', (url, host, port) => {
    expect(probeTarget(url)).toEqual({ host, port });
  });
});

describe('checkPort (a plain TCP connect)', () => {
  it('reports an open port and sends it no bytes', async () => {
    const server = await listen();
    expect(await checkPort('127.0.0.1', server.port, 1_000, new AbortController().signal)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.accepted()).toBe(1);
    expect(server.bytes()).toBe(0);
  });

  it('reports a closed port', async () => {
    const server = await listen();
    const { port } = server;
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await checkPort('127.0.0.1', port, 1_000, new AbortController().signal)).toBe(false);
  });

  it('settles as closed when aborted before the connect completes (stop/close while a probe is in flight)', async () => {
    const server = await listen();
    const controller = new AbortController();
    const pending = checkPort('127.0.0.1', server.port, 60_000, controller.signal);
    controller.abort();
    expect(await pending).toBe(false);
  });
});
