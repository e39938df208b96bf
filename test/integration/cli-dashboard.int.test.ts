/*
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the real broker:
 * `warren run --dashboard --allow-actions` with jobs handled and dead-lettered, the numbers on the page,
 * a replay through the confirm dialog that the worker then handles, a purge; and a read-only `warren dashboard`
 * through a TCP proxy that is cut and restored to emulate a broker restart (the shared broker keeps running).
 * The broker user has a password of its own, so the test can check that the page never shows it.
 * Screenshots go to docs/img/ with WARREN_SCREENSHOTS=update (the README shows them), else to a temp folder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqplib from 'amqplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, deleteUser } from '../support/broker-control.js';
import { launchChromium } from '../support/chromium.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { REPO_ROOT, deleteQueues, eventually, makeProject, runWarren, startWarren, uniqueName, type WarrenProcess } from './cli-harness.js';

const started = Date.now();
const queue = uniqueName('warren.dash');
const backlogQueue = `${queue}.backlog`;
const user = `warren-dash-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const password = `Pw-${Math.random().toString(36).slice(2, 12)}`;
const brokerUrl = (port: number) => `amqp://${user}:${password}@127.0.0.1:${port}`;
const screenshotDir = process.env.WARREN_SCREENSHOTS === 'update' ? join(REPO_ROOT, 'docs/img') : mkdtempSync(join(tmpdir(), 'warren-dash-shots-'));

// Refuses the first attempt of a job that asks for it (Unrecoverable: dead-lettered at once), so a replayed copy,
// which keeps its id, is handled. The error names the broker URL, password included, as careless code might.
const JOB_MODULE = `
import { Job, Unrecoverable } from '@warren/core';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
export class FlakyJob {
  async handle(payload, ctx) {
    const marker = 'refused-' + ctx.id;
    if (payload.refuseFirst && !existsSync(marker)) {
      writeFileSync(marker, '');
      throw new Unrecoverable('cannot reach ' + payload.url);
    }
    appendFileSync('ledger.txt', 'handled ' + ctx.id + '\\n');
  }
}
Job('dash.flaky', { pipeline: 'work', timeout: '10s' })(FlakyJob);
`;

function yaml(port: number): string {
  return [
    'version: 1',
    'amqp:',
    `  urls: ["${brokerUrl(port)}"]`,
    '  heartbeat: 2s',
    '  redial: { schedule: [100ms, 200ms], jitter: 0 }',
    'jobs:',
    '  modules: ["jobs/*.js"]',
    '  consume: [work]',
    '  shutdown_timeout: 5s',
    '  pipelines:',
    `    work: { driver: amqp, concurrency: 2, options: { queue: ${queue} } }`,
    `    backlog: { driver: amqp, concurrency: 1, options: { queue: ${backlogQueue} } }`,
    'http: { port: 0, host: 127.0.0.1 }',
    'log: { level: info, pretty: false }',
    '',
  ].join('\n');
}

let proxy: TcpProxy;
let browser: Browser;
let project: { dir: string; cleanup: () => void };
const processes: WarrenProcess[] = [];
const extraQueues: string[] = [];

beforeAll(async () => {
  proxy = await TcpProxy.start();
  project = makeProject({ 'worker.yaml': yaml(5672), 'dashboard.yaml': yaml(proxy.port), 'jobs/flaky.js': JOB_MODULE });
  // allSettled: when Chromium fails at once, the user must exist before afterAll deletes it (else it outlives the run).
  const [launched, created] = await Promise.allSettled([launchChromium(), createUser(user, password)]);
  if (created.status === 'rejected') throw created.reason;
  if (launched.status === 'rejected') throw launched.reason;
  browser = launched.value;
});

afterAll(async () => {
  await Promise.all([browser?.close(), ...processes.map((process) => process.kill()), proxy?.close()]);
  // rabbitmqctl takes seconds: delete the user while the queues are deleted.
  await Promise.all([deleteQueues(queue, `${queue}.dlq`, backlogQueue, `${backlogQueue}.dlq`, ...extraQueues).catch(() => undefined), deleteUser(user)]);
  project?.cleanup();
  if (process.env.WARREN_SCREENSHOTS !== 'update') rmSync(screenshotDir, { recursive: true, force: true });
  console.log(`cli-dashboard.int.test.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** Publishes as any AMQP producer may, with this test's user, straight to the broker. */
async function publish(target: string, messages: Array<{ id: string; type: string; body: unknown; headers?: Record<string, unknown> }>): Promise<void> {
  const connection = await amqplib.connect(brokerUrl(5672), { timeout: 5_000 }); // a broker that is starting may accept and never answer
  try {
    const channel = await connection.createConfirmChannel();
    for (const m of messages) {
      channel.sendToQueue(target, Buffer.from(JSON.stringify(m.body)), { type: m.type, messageId: m.id, contentType: 'application/json', persistent: true, headers: m.headers ?? {} });
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close().catch(() => undefined); // already closed by the error that is being thrown
  }
}

async function messageCount(target: string): Promise<number> {
  const connection = await amqplib.connect(brokerUrl(5672), { timeout: 5_000 }); // a broker that is starting may accept and never answer
  try {
    return (await (await connection.createChannel()).checkQueue(target)).messageCount;
  } finally {
    await connection.close().catch(() => undefined); // already closed by the error that is being thrown
  }
}

/** The text of a pipeline's cell, e.g. field `deadLettered` or `rate-succeeded`. */
function cellText(page: Page, pipeline: string, field: string): Promise<string> {
  return page.locator(`#pipelines tr[data-pipeline="${pipeline}"] td[data-field="${field}"]`).innerText({ timeout: 5_000 });
}

function waitForCell(page: Page, pipeline: string, field: string, accept: (text: string) => boolean, what: string): Promise<string> {
  return eventually(() => cellText(page, pipeline, field), accept, `${pipeline} ${field} ${what}`, 15_000);
}

/** Resolves with the URL a process printed (`dashboard on http://…`). */
function dashboardUrl(process: WarrenProcess): Promise<string> {
  const find = () => process.stdout.join('\n').match(/dashboard on (http:\/\/\S+?\/)/)?.[1];
  return eventually(async () => find(), (url) => url !== undefined, `the dashboard URL\n${process.transcript()}`, 20_000) as Promise<string>;
}

/** Everything the page received: its DOM and the API answers, to look for the password in. */
async function everythingShown(page: Page, url: string): Promise<string> {
  const api = await Promise.all(['api/snapshot', 'api/dead-letters?pipeline=work'].map(async (path) => (await fetch(`${url}${path}`)).text()));
  return [await page.content(), ...api].join('\n');
}

describe('warren dashboard', () => {
  it('shows counts, rates and dead letters of a running worker and replays one through the confirm dialog', async () => {
    const worker = startWarren(['run', '-c', 'worker.yaml', '--dashboard', '0', '--allow-actions'], project.dir);
    processes.push(worker);
    // Another process's delayed dispatch: its delay queue is found by the dashboard's scan of the delay ladder.
    const [push, url] = await Promise.all([
      runWarren(['push', 'dash.flaky', '{"n":0}', '--delay', '5m', '--pipeline', 'backlog', '-c', 'worker.yaml'], project.dir),
      dashboardUrl(worker),
    ]);
    expect(push.code, push.stderr).toBe(0);
    type Snapshot = { pipelines: Array<{ name: string; delayQueues: Array<{ queue: string; delayMs: number; messages: number }> }> };
    // The first snapshot starts the scan; a later one shows what it found.
    const delayQueues = await eventually(async () => {
      const snapshot = (await (await fetch(`${url}api/snapshot`)).json()) as Snapshot;
      return snapshot.pipelines.find((p) => p.name === 'backlog')?.delayQueues ?? [];
    }, (found) => found.length > 0, 'the delayed job\'s queue to be found');
    extraQueues.push(...delayQueues.map((q) => q.queue));
    expect(delayQueues).toEqual([{ queue: `${backlogQueue}.delay.${delayQueues[0]?.delayMs}`, delayMs: expect.any(Number), messages: 1 }]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await page.goto(url);
    await waitForCell(page, 'work', 'consumers', (text) => text === '1', 'is the worker');
    await publish(backlogQueue, [1, 2, 3, 4].map((n) => ({ id: `backlog-${n}`, type: 'dash.flaky', body: { n } })));
    await publish(`${backlogQueue}.dlq`, [{ id: 'backlog-dead', type: 'dash.flaky', body: {}, headers: { 'x-warren-dead-reason': 'attempts-exhausted' } }]);
    const refused = ['refused-a', 'refused-b'];
    await publish(queue, [
      ...refused.map((id) => ({ id, type: 'dash.flaky', body: { refuseFirst: true, url: brokerUrl(5672) } })),
      ...[1, 2, 3].map((n) => ({ id: `ok-${n}`, type: 'dash.flaky', body: { n } })),
    ]);
    // Rates are per second between two readings of the worker's own counters: the burst shows in the first reading
    // after it, for one refresh; waiting from the moment of publishing cannot miss it.
    await waitForCell(page, 'work', 'rate-succeeded', (text) => Number(text) > 0, 'shows handled jobs per second');
    await eventually(() => messageCount(`${queue}.dlq`), (count) => count === 2, 'two dead letters');
    await publish(`${queue}.dlq`, [{ id: 'foreign-1', type: 'dash.other', body: { from: 'elsewhere' }, headers: { 'x-warren-dead-reason': 'unknown-job', 'x-warren-attempt': 1 } }]);

    await waitForCell(page, 'work', 'deadLettered', (text) => text === '3', 'shows 3');
    await waitForCell(page, 'backlog', 'ready', (text) => text === '4', 'shows 4');
    expect(await cellText(page, 'backlog', 'consumers')).toBe('0');
    await waitForCell(page, 'backlog', 'delayed', (text) => /^1\n5(\.\d)?m: 1$/.test(text), 'shows the delay queue');

    await page.locator('#pipelines tr[data-pipeline="work"] button').click();
    const rows = page.locator('#dl-table tbody tr');
    await eventually(() => rows.count(), (count) => count === 3, 'three dead-letter rows');
    const refusedRow = page.locator('#dl-table tbody tr[data-id="refused-a"]');
    expect(await refusedRow.locator('.reason').innerText()).toBe('unrecoverable');
    expect(await refusedRow.locator('.error').innerText()).toContain(`${user}:***@127.0.0.1:5672`);
    await page.locator('#dl-filter').fill('other');
    await eventually(() => rows.count(), (count) => count === 1, 'the search to keep dash.other only');
    expect(await rows.first().getAttribute('data-id')).toBe('foreign-1');
    await page.locator('#dl-filter').fill('');
    await eventually(() => rows.count(), (count) => count === 3, 'all rows back');
    const shown = await everythingShown(page, url);
    expect(shown).toContain(`${user}:***@`);
    expect(shown, 'the password never reaches the page').not.toContain(password);
    // A few more jobs, so that the screenshot shows rates.
    await publish(queue, [4, 5, 6].map((n) => ({ id: `ok-${n}`, type: 'dash.flaky', body: { n } })));
    await waitForCell(page, 'work', 'rate-succeeded', (text) => Number(text) > 0, 'shows handled jobs per second again');
    await page.screenshot({ path: join(screenshotDir, 'dashboard.png'), fullPage: true });

    await page.locator('#dl-replay').click();
    await page.locator('#confirm[open]').waitFor({ timeout: 5_000 });
    await page.locator('#confirm-limit').fill('1');
    await page.screenshot({ path: join(screenshotDir, 'dashboard-replay.png') });
    await page.locator('#confirm-ok').click();
    await page.locator('#toast', { hasText: 'Replayed 1 dead letter(s) to work.' }).waitFor({ timeout: 10_000 });
    const ledger = await eventually(async () => readFileSync(join(project.dir, 'ledger.txt'), 'utf8'), (text) => refused.some((id) => text.includes(`handled ${id}`)), 'the replayed job to be handled');
    const replayed = refused.filter((id) => ledger.includes(`handled ${id}`));
    expect(replayed, 'exactly the one replayed dead letter was handled').toHaveLength(1);
    await waitForCell(page, 'work', 'deadLettered', (text) => text === '2', 'shows 2 after the replay');
    await eventually(() => rows.count(), (count) => count === 2, 'two dead-letter rows after the replay');
    expect(await page.locator(`#dl-table tbody tr[data-id="${replayed[0]}"]`).count()).toBe(0);

    await page.locator('#pipelines tr[data-pipeline="backlog"] button').click();
    await eventually(() => rows.count(), (count) => count === 1, 'the backlog dead letter listed');
    await page.locator('#dl-purge').click();
    await page.locator('#confirm[open]', { hasText: 'Purge every dead letter of backlog?' }).waitFor({ timeout: 5_000 });
    await page.locator('#confirm-ok').click();
    await page.locator('#toast', { hasText: 'Purged 1 dead letter(s) from backlog.' }).waitFor({ timeout: 10_000 });
    await waitForCell(page, 'backlog', 'deadLettered', (text) => text === '0', 'shows 0 after the purge');
    expect(await messageCount(`${queue}.dlq`), 'the other pipeline\'s dead letters are untouched').toBe(2);
    await page.close();
  });

  it('is read-only by default and shows a banner while the broker is away (a cut proxy emulates a restart), then recovers', async () => {
    const dashboard = startWarren(['dashboard', '-c', 'dashboard.yaml', '--port', '0', '--refresh', '500ms'], project.dir);
    processes.push(dashboard);
    const url = await dashboardUrl(dashboard);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await browser.newPage({ viewport: { width: 1280, height: 560 } });
    await page.goto(url);
    const deadLetters = String(await messageCount(`${queue}.dlq`));
    await waitForCell(page, 'work', 'deadLettered', (text) => text === deadLetters, `shows ${deadLetters} as the broker does`);
    await waitForCell(page, 'backlog', 'ready', (text) => text === '4', 'shows 4');
    await waitForCell(page, 'backlog', 'delayed', (text) => /^1\n5(\.\d)?m: 1$/.test(text), 'shows the delay queue, found by scanning the delay ladder');
    expect(await page.locator('#rates-note').innerText()).toContain('--metrics');
    await page.locator('#pipelines tr[data-pipeline="work"] button').click();
    await eventually(() => page.locator('#dl-table tbody tr').count(), (count) => String(count) === deadLetters, 'the dead letters listed');
    expect(await page.locator('#dl-replay').isDisabled()).toBe(true);
    const refusedReplay = await fetch(`${url}api/pipelines/work/replay`, { method: 'POST', headers: { 'x-warren-dashboard': '1' }, body: '{}' });
    expect(refusedReplay.status).toBe(403);

    // Emulates a broker restart on the dashboard's side: connections cut, new ones refused, then accepted again.
    await proxy.refuse();
    proxy.dropAll();
    await page.locator('#banner', { hasText: 'Broker unreachable' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#broker-state').innerText()).toBe('broker unreachable');
    await page.screenshot({ path: join(screenshotDir, 'dashboard-broker-down.png') });
    expect(await page.content(), 'the password never reaches the page').not.toContain(password);

    await proxy.restore();
    await page.locator('#banner').waitFor({ state: 'hidden', timeout: 15_000 });
    expect(await page.locator('#broker-state').innerText()).toBe('broker connected');
    await waitForCell(page, 'backlog', 'ready', (text) => text === '4', 'shows 4 again');
    await page.close();
    dashboard.child.kill('SIGTERM');
    expect(await dashboard.exitCode(10_000)).toBe(0);
  });
});
