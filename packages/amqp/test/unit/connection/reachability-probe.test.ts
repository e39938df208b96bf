import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@warren/core';
import { ReachabilityProbe, checkPort, probeTarget } from '../../../src/connection/reachability-probe.js';

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

describe('ReachabilityProbe with a target that does not parse', () => {
  afterEach(() => vi.useRealTimers());

  it('logs once with a code and the password hidden, never throws from its interval, and probes once the target parses', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    let target = 'amqp://app:s3cr#t@rabbit.internal';
    const checked: string[] = [];
    const probe = new ReachabilityProbe({
      intervalMs: 100, target: () => target, onReachable: () => undefined, logger,
      check: async (host, port) => {
        checked.push(`${host}:${port}`);
        return false;
      },
    });
    probe.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(checked).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, code: 'WARREN_ERR_AMQP_CONN_INVALID', url: 'amqp://app:***@rabbit.internal' });
    expect(lines.join('\n')).not.toContain('s3cr');
    target = 'amqp://app:s3cr%23t@rabbit.internal';
    await vi.advanceTimersByTimeAsync(100);
    expect(checked).toEqual(['rabbit.internal:5672']);
    probe.close();
  });

  it('keeps running when its check throws synchronously', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const probe = new ReachabilityProbe({
      intervalMs: 100, target: () => 'amqp://127.0.0.1:5672', onReachable: () => undefined,
      check: () => {
        calls += 1;
        throw new Error('a fake that throws');
      },
    });
    probe.start();
    await vi.advanceTimersByTimeAsync(350);
    expect(calls).toBe(3);
    probe.close();
  });
});
