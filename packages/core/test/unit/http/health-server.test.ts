import { afterEach, describe, expect, it } from 'vitest';
import { HealthServer, isWarrenError, type HealthProbe } from '../../../src/index.js';

const servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(probe: HealthProbe, withMetrics = true) {
  const server = new HealthServer({
    port: 0,
    host: '127.0.0.1',
    probe: () => probe,
    ...(withMetrics ? { metrics: { render: async () => 'warren_up 1\n', contentType: 'text/plain; version=0.0.4' } } : {}),
  });
  servers.push(server);
  const { port } = await server.start();
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };
  return { server, port, get };
}

describe('HealthServer', () => {
  it.each([
    [{ live: true, ready: true, reasons: [] }, '/health', 200, { live: true }],
    [{ live: false, ready: false, reasons: ['driver amqp failed'] }, '/health', 503, { live: false }],
    [{ live: true, ready: true, reasons: [] }, '/ready', 200, { ready: true }],
    [
      { live: true, ready: true, reasons: [], pipelines: [{ name: 'emails', breakers: { pipeline: 'open' } }, { name: 'reports', breakers: {} as Record<string, string> }] },
      '/health', 200, { live: true, breakers: { emails: { pipeline: 'open' } } },
    ],
    [{ live: true, ready: false, reasons: ['pipeline emails: not consuming'] }, '/ready', 503, { ready: false, reasons: ['pipeline emails: not consuming'] }],
  ])('answers %j on %s with %i', async (probe, path, status, body) => {
    const { get } = await start(probe);
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(JSON.parse(response.body)).toEqual(body);
  });

  it('serves metrics text with its content type', async () => {
    const { get } = await start({ live: true, ready: true, reasons: [] });
    const response = await get('/metrics');
    expect(response).toMatchObject({ status: 200, body: 'warren_up 1\n', type: 'text/plain; version=0.0.4' });
  });

  it('answers 404 for unknown paths and for /metrics without metrics', async () => {
    const { get } = await start({ live: true, ready: true, reasons: [] }, false);
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/metrics')).status).toBe(404);
  });

  it('fails with a coded error when the port is taken', async () => {
    const { port } = await start({ live: true, ready: true, reasons: [] });
    const second = new HealthServer({ port, host: '127.0.0.1', probe: () => ({ live: true, ready: true, reasons: [] }) });
    servers.push(second);
    const error = await second.start().catch((e: unknown) => e);
    expect(isWarrenError(error, 'WARREN_ERR_CLI_HTTP_UNAVAILABLE')).toBe(true);
  });

  it('closes idempotently and refuses to start again', async () => {
    const { server } = await start({ live: true, ready: true, reasons: [] });
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    expect(server.state).toBe('closed');
    await expect(server.start()).rejects.toMatchObject({ code: 'WARREN_ERR_CLI_HTTP_ILLEGAL_STATE' });
  });
});
