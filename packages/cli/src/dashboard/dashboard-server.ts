/*
 * DashboardServer: serves the dashboard page and its JSON API on node:http. Reads go through
 * SnapshotBuilder and Warren.peekDeadLetters; replay and purge are Warren's dead-letter operations,
 * refused (403) unless actions are allowed. Every answer is redacted once more before it leaves.
 *
 * States: idle → listening (start) → closing (close) → closed; close() before start goes to closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WarrenError, isWarrenError, redactSecrets, type Warren } from '@warren/core';
import { isReachablePipeline } from '../runtime/assert-reachable-pipeline.js';
import { loadAssets, type Asset } from './dashboard-assets.js';
import { MAX_DEAD_LETTERS_LISTED, type DashboardServerOptions } from './dashboard-options.js';
import { isAllowedHost, isSameOrigin } from './request-guards.js';
import { deadLetterRows } from './dead-letter-view.js';
import type { SnapshotBuilder } from './dashboard-snapshot.js';

export type DashboardServerState = 'idle' | 'listening' | 'closing' | 'closed';

const DASHBOARD_SERVER_TRANSITIONS: Readonly<Record<DashboardServerState, readonly DashboardServerState[]>> = {
  idle: ['listening', 'closed'],
  listening: ['closing'],
  closing: ['closed'],
  closed: [],
};

/** The header every action request must carry: a cross-site form cannot set it without a CORS preflight, which is never granted. */
export const ACTION_HEADER = 'x-warren-dashboard';
const ACTION_PATH = /^\/api\/pipelines\/([^/]+)\/(replay|purge)$/;
const MAX_BODY_BYTES = 1_024;
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export class DashboardServer {
  #state: DashboardServerState = 'idle';
  readonly #server: Server;
  #assets: ReadonlyMap<string, Asset> | undefined;
  #starting: Promise<{ host: string; port: number }> | undefined;
  #closing: Promise<void> | undefined;
  /** The last dead-letter operation per pipeline (see #oneAtATime). */
  readonly #deadLetterWork = new Map<string, Promise<unknown>>();

  constructor(private readonly warren: Warren, private readonly snapshots: SnapshotBuilder, private readonly options: DashboardServerOptions & { readonly inProcess: boolean }) {
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        options.logger?.error({ err: error, url: request.url }, 'dashboard request failed');
        if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
        else response.end();
      });
    });
    this.#server.keepAliveTimeout = 1_000;
  }

  get state(): DashboardServerState {
    return this.#state;
  }

  /** Loads the page's files and listens; resolves with the bound address. */
  start(): Promise<{ host: string; port: number }> {
    if (this.#starting) return this.#starting;
    if (this.#state !== 'idle') return Promise.reject(illegal(`cannot start a dashboard that is ${this.#state}`));
    const { host, port } = this.options;
    this.#starting = loadAssets().then((assets) => {
      this.#assets = assets;
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(new WarrenError('WARREN_ERR_CLI_DASHBOARD_UNAVAILABLE', `the dashboard cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
        this.#server.once('error', onError);
        this.#server.listen(port, host, () => {
          this.#server.off('error', onError);
          this.#transition('listening');
          const address = this.#server.address() as AddressInfo;
          resolve({ host: address.address, port: address.port });
        });
      });
    });
    return this.#starting;
  }

  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.#state === 'idle') {
      this.#transition('closed');
      this.#closing = Promise.resolve();
      return this.#closing;
    }
    this.#transition('closing');
    this.#closing = new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    }).then(() => this.snapshots.settled()).then(() => this.#transition('closed'));
    return this.#closing;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://dashboard.invalid');
    // A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own Host.
    if (!isAllowedHost(request.headers.host, this.options.host)) return sendJson(response, 421, { error: 'unexpected Host header' });
    const action = ACTION_PATH.exec(url.pathname);
    if (action) return this.#action(request, response, decodeURIComponent(action[1] ?? ''), action[2] as 'replay' | 'purge');
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: 'method not allowed' });
    const asset = this.#assets?.get(url.pathname);
    if (asset) {
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type });
      return void response.end(asset.body);
    }
    if (url.pathname === '/api/snapshot') return sendJson(response, 200, await this.snapshots.build());
    if (url.pathname === '/api/dead-letters') return this.#deadLetters(response, url.searchParams);
    sendJson(response, 404, { error: 'not found' });
  }

  async #deadLetters(response: ServerResponse, params: URLSearchParams): Promise<void> {
    const pipeline = params.get('pipeline') ?? '';
    const refused = this.#refusePipeline(pipeline);
    if (refused) return sendJson(response, refused.status, { error: refused.error });
    const limit = Math.min(MAX_DEAD_LETTERS_LISTED, Math.max(1, Number.parseInt(params.get('limit') ?? '50', 10) || 50));
    try {
      const messages = await this.#oneAtATime(pipeline, () => this.warren.peekDeadLetters(pipeline, limit));
      sendJson(response, 200, { pipeline, scanned: messages.length, rows: deadLetterRows(messages, params.get('job') ?? '') });
    } catch (error) {
      sendJson(response, 503, { error: describe(error) });
    }
  }

  async #action(request: IncomingMessage, response: ServerResponse, pipeline: string, verb: 'replay' | 'purge'): Promise<void> {
    if (request.method !== 'POST') return sendJson(response, 405, { error: 'method not allowed' });
    if (!this.options.allowActions) return sendJson(response, 403, { error: 'read-only dashboard: start it with --allow-actions to replay or purge' });
    if (request.headers[ACTION_HEADER] !== '1' || !isSameOrigin(request.headers.origin, request.headers.host)) {
      return sendJson(response, 403, { error: 'actions are accepted from the dashboard page only' });
    }
    const refused = this.#refusePipeline(pipeline);
    if (refused) return sendJson(response, refused.status, { error: refused.error });
    const body = await readJsonBody(request);
    const limit = typeof body.limit === 'number' && Number.isInteger(body.limit) && body.limit > 0 ? body.limit : undefined;
    try {
      const count = await this.#oneAtATime(pipeline, () => (verb === 'replay' ? this.warren.replayDeadLetters(pipeline, limit) : this.warren.purgeDeadLetters(pipeline)));
      this.options.logger?.info({ pipeline, count, limit }, `dashboard: ${verb} of ${count} dead letter(s) in ${pipeline}`);
      sendJson(response, 200, { pipeline, [verb === 'replay' ? 'replayed' : 'purged']: count });
    } catch (error) {
      sendJson(response, 503, { error: describe(error) });
    }
  }

  /**
   * Runs dead-letter operations of one pipeline one after the other: a peek holds the messages it read unacked
   * until it puts them back, so a second page's peek (or a replay) running at the same time would find them gone.
   */
  #oneAtATime<T>(pipeline: string, work: () => Promise<T>): Promise<T> {
    const next = (this.#deadLetterWork.get(pipeline) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.#deadLetterWork.set(pipeline, next);
    return next;
  }

  #refusePipeline(pipeline: string): { status: number; error: string } | undefined {
    if (!Object.hasOwn(this.warren.config.jobs.pipelines, pipeline)) return { status: 404, error: `no pipeline "${pipeline}" in the config` };
    if (!this.options.inProcess && !isReachablePipeline(this.warren, pipeline)) {
      return { status: 400, error: `pipeline "${pipeline}" keeps its messages inside the worker's process; use warren run --dashboard` };
    }
    return undefined;
  }

  #transition(to: DashboardServerState): void {
    if (!DASHBOARD_SERVER_TRANSITIONS[this.#state].includes(to)) throw illegal(`dashboard cannot go from ${this.#state} to ${to}`);
    this.#state = to;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  // Redacted as a whole: whatever field a broker URL or an error text ended up in, its password stays hidden.
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  response.end(redactSecrets(JSON.stringify(body)));
}

async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > MAX_BODY_BYTES) return {};
  }
  try {
    const value = JSON.parse(text || '{}') as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function describe(error: unknown): string {
  if (isWarrenError(error)) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

function illegal(message: string): WarrenError {
  return new WarrenError('WARREN_ERR_CLI_DASHBOARD_ILLEGAL_STATE', message);
}
