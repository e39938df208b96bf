import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warren, createSilentLogger } from '@warren/core';
import { DashboardServer } from '../../../src/dashboard/dashboard-server.js';
import { startDashboard, type StartedDashboard } from '../../../src/dashboard/start-dashboard.js';

const CONFIG = { version: 1, jobs: { pipelines: { emails: { driver: 'memory' } } }, http: { enabled: false } };

let warren: Warren;
let readOnly: StartedDashboard;
let actions: StartedDashboard;
let standalone: StartedDashboard;

beforeAll(async () => {
  warren = await Warren.fromConfig(CONFIG, { logger: createSilentLogger(), loadModules: false });
  const base = { port: 0, host: '127.0.0.1', refreshMs: 2_000 };
  readOnly = await startDashboard(warren, { ...base, allowActions: false, inProcess: true });
  actions = await startDashboard(warren, { ...base, allowActions: true, inProcess: true });
  standalone = await startDashboard(warren, { ...base, allowActions: true, inProcess: false });
});

afterAll(async () => {
  await Promise.all([readOnly, actions, standalone].map((d) => d?.server.close()));
  await warren?.close();
});

/** One HTTP request with full control of the headers (fetch does not let a test set Host). */
function send(url: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(new URL(path, url), { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const action = { method: 'POST', headers: { 'x-warren-dashboard': '1', 'content-type': 'application/json' }, body: '{"limit":1}' };

describe('DashboardServer', () => {
  it('serves the page from the package files with a strict content security policy', async () => {
    const page = await send(readOnly.url, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/dashboard.js"></script>');
    expect(page.headers['content-security-policy']).toBe("default-src 'self'; frame-ancestors 'none'");
    expect((await send(readOnly.url, '/dashboard.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await send(readOnly.url, '/nope')).status).toBe(404);
  });

  it('answers a snapshot of every pipeline, in-process ones included inside `warren run`', async () => {
    const snapshot = JSON.parse((await send(readOnly.url, '/api/snapshot')).body);
    expect(snapshot).toMatchObject({ allowActions: false, broker: { reachable: true }, hidden: [] });
    expect(snapshot.pipelines).toEqual([expect.objectContaining({ name: 'emails', driver: 'memory', ready: 0, deadLettered: 0, delayQueues: [] })]);
    expect(JSON.parse((await send(standalone.url, '/api/snapshot')).body)).toMatchObject({ pipelines: [], hidden: ['emails'] });
  });

  it('lists dead letters, and refuses pipelines it cannot reach or does not know', async () => {
    expect(JSON.parse((await send(actions.url, '/api/dead-letters?pipeline=emails')).body)).toEqual({ pipeline: 'emails', scanned: 0, rows: [] });
    expect((await send(actions.url, '/api/dead-letters?pipeline=nope')).status).toBe(404);
    expect((await send(standalone.url, '/api/dead-letters?pipeline=emails')).status).toBe(400);
  });

  it.each([
    ['on a read-only dashboard', () => readOnly.url, action, 403],
    ['without the dashboard header', () => actions.url, { ...action, headers: { 'content-type': 'application/json' } }, 403],
    ['from another origin', () => actions.url, { ...action, headers: { ...action.headers, origin: 'http://evil.example' } }, 403],
    ['with a foreign Host (DNS rebinding)', () => actions.url, { ...action, headers: { ...action.headers, host: 'evil.example:9401' } }, 421],
    ['by GET', () => actions.url, { method: 'GET' }, 405],
  ])('refuses a replay %s', async (_, url, options, status) => {
    expect((await send(url(), '/api/pipelines/emails/replay', options)).status).toBe(status);
  });

  it('replays and purges when actions are allowed', async () => {
    const replay = await send(actions.url, '/api/pipelines/emails/replay', action);
    expect([replay.status, JSON.parse(replay.body)]).toEqual([200, { pipeline: 'emails', replayed: 0 }]);
    const purge = await send(actions.url, '/api/pipelines/emails/purge', action);
    expect([purge.status, JSON.parse(purge.body)]).toEqual([200, { pipeline: 'emails', purged: 0 }]);
  });

  it('closes idempotently and cannot start again', async () => {
    const server = new DashboardServer(warren, undefined as never, { port: 0, host: '127.0.0.1', refreshMs: 1_000, allowActions: false, inProcess: true });
    await Promise.all([server.close(), server.close()]);
    expect(server.state).toBe('closed');
    await expect(server.start()).rejects.toMatchObject({ code: 'WARREN_ERR_CLI_DASHBOARD_ILLEGAL_STATE' });
  });
});
