/*
 * HealthServer: a tiny node:http server for /health, /ready and /metrics. It asks a probe for the
 * current health on every request and never caches. Does not decide what "ready" means (Warren.health
 * does) and does not build metrics (metrics/warren-metrics.ts does).
 *
 * States: idle → listening (start) → closing (close) → closed. start() again while listening returns
 * the same address; start() after close and close() before start are errors / no-ops respectively.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WarrenError } from '../errors/warren-error.js';

export type HealthServerState = 'idle' | 'listening' | 'closing' | 'closed';

const HEALTH_SERVER_TRANSITIONS: Readonly<Record<HealthServerState, readonly HealthServerState[]>> = {
  idle: ['listening', 'closed'],
  listening: ['closing'],
  closing: ['closed'],
  closed: [],
};

/** What /health and /ready report; `Warren.health()` satisfies it. */
export interface HealthProbe {
  readonly live: boolean;
  readonly ready: boolean;
  readonly reasons: readonly string[];
  /** Consumption breaker states per pipeline (`warren status` reads them from /health). */
  readonly pipelines?: ReadonlyArray<{ readonly name: string; readonly breakers?: Readonly<Record<string, string>> }>;
}

/** `{ <pipeline>: { pipeline: 'open', 'job:<name>': 'closed' } }` for pipelines with breakers; undefined when none has one. */
function breakersOf(probe: HealthProbe): Record<string, Readonly<Record<string, string>>> | undefined {
  const entries = (probe.pipelines ?? []).filter((p) => p.breakers && Object.keys(p.breakers).length > 0).map((p) => [p.name, p.breakers ?? {}] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

export interface HealthServerOptions {
  /** 0 picks a free port; read the bound one from `start()`'s result. */
  readonly port: number;
  readonly host: string;
  readonly probe: () => HealthProbe;
  /** Serves /metrics when given. */
  readonly metrics?: { render(): Promise<string>; readonly contentType: string };
  readonly logger?: Logger;
}

/** The address the server is bound to. */
export interface HealthServerAddress {
  readonly host: string;
  readonly port: number;
}

export class HealthServer {
  #state: HealthServerState = 'idle';
  readonly #server: Server;
  #starting: Promise<HealthServerAddress> | undefined;
  #closing: Promise<void> | undefined;

  constructor(private readonly options: HealthServerOptions) {
    // node:http is required here, not imported at the top: a process without a health server never loads it.
    const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http');
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        options.logger?.error({ err: error, url: request.url }, 'health server request failed');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    // Probes are short requests; do not let idle keep-alive sockets hold the process open on close.
    this.#server.keepAliveTimeout = 1_000;
  }

  get state(): HealthServerState {
    return this.#state;
  }

  /** Listens on the configured host/port; resolves with the bound address. */
  start(): Promise<HealthServerAddress> {
    if (this.#state === 'idle' && this.#starting) return this.#starting;
    if (this.#state === 'listening' && this.#starting) return this.#starting;
    if (this.#state !== 'idle') {
      return Promise.reject(new WarrenError('WARREN_ERR_CLI_HTTP_ILLEGAL_STATE', `cannot start a health server that is ${this.#state}`));
    }
    const { host, port } = this.options;
    this.#starting = new Promise<HealthServerAddress>((resolve, reject) => {
      const onError = (error: Error) => {
        reject(new WarrenError('WARREN_ERR_CLI_HTTP_UNAVAILABLE', `the health server cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
      };
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        this.#transition('listening', 'listen');
        resolve(this.address());
      });
    });
    return this.#starting;
  }

  /** The bound address; throws before start(). */
  address(): HealthServerAddress {
    const address = this.#server.address() as AddressInfo | null;
    if (!address) throw new WarrenError('WARREN_ERR_CLI_HTTP_ILLEGAL_STATE', 'the health server is not listening');
    return { host: address.address, port: address.port };
  }

  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.#state === 'idle') {
      this.#transition('closed', 'closed before start');
      this.#closing = Promise.resolve();
      return this.#closing;
    }
    this.#transition('closing', 'close');
    this.#closing = new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    }).then(() => this.#transition('closed', 'close'));
    return this.#closing;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: 'method not allowed' });
      return;
    }
    if (path === '/health') {
      const probe = this.options.probe();
      const breakers = breakersOf(probe);
      sendJson(response, probe.live ? 200 : 503, breakers ? { live: probe.live, breakers } : { live: probe.live });
    } else if (path === '/ready') {
      const { ready, reasons } = this.options.probe();
      sendJson(response, ready ? 200 : 503, ready ? { ready } : { ready, reasons });
    } else if (path === '/metrics' && this.options.metrics) {
      const text = await this.options.metrics.render();
      response.writeHead(200, { 'content-type': this.options.metrics.contentType });
      response.end(text);
    } else {
      sendJson(response, 404, { error: 'not found' });
    }
  }

  #transition(to: HealthServerState, reason: string): void {
    const from = this.#state;
    if (!HEALTH_SERVER_TRANSITIONS[from].includes(to)) {
      throw new WarrenError('WARREN_ERR_CLI_HTTP_ILLEGAL_STATE', `health server cannot go from ${from} to ${to} (${reason})`);
    }
    this.#state = to;
    this.options.logger?.debug({ from, to, reason }, 'health server state');
  }
}

function sendJson(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
