/*
 * TcpProxy: a loopback TCP proxy in front of the broker whose controls are named after what the
 * network does (blackhole, restore, dropAll, refuse). Chaos tests point a driver at it to cut the
 * network without touching RabbitMQ. It knows nothing about AMQP and owns no timers.
 */
import net from 'node:net';

/** forwarding: bytes flow; blackholed: sockets stay open, nothing flows; refusing: not listening; closed: gone. */
export type TcpProxyState = 'forwarding' | 'blackholed' | 'refusing' | 'closed';

export interface TcpProxyOptions {
  readonly targetHost?: string;
  readonly targetPort?: number;
  /** Start in `refusing` (the port is reserved, then closed): connections are refused until restore(). */
  readonly startRefusing?: boolean;
}

/** One client socket and its upstream socket to the broker. */
interface ProxiedPair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
}

export class TcpProxy {
  #state: TcpProxyState = 'forwarding';
  #server: net.Server;
  readonly #pairs = new Set<ProxiedPair>();
  readonly #targetHost: string;
  readonly #targetPort: number;
  /** Connections accepted since start, for tests that check a client really came through here. */
  acceptedCount = 0;

  private constructor(readonly port: number, server: net.Server, options: TcpProxyOptions) {
    this.#server = server;
    this.#targetHost = options.targetHost ?? '127.0.0.1';
    this.#targetPort = options.targetPort ?? 5672;
  }

  /** Listens on 127.0.0.1 on a random free port. */
  static async start(options: TcpProxyOptions = {}): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = net.createServer((socket) => proxy?.accept(socket));
    await listen(server, 0);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('tcp proxy: no port');
    proxy = new TcpProxy(address.port, server, options);
    if (options.startRefusing) await proxy.refuse();
    return proxy;
  }

  get state(): TcpProxyState {
    return this.#state;
  }

  /** Open proxied connections (client side still open). */
  get openConnections(): number {
    return this.#pairs.size;
  }

  /** An AMQP URL through this proxy, guest/guest unless given. */
  amqpUrl(credentials = 'guest:guest'): string {
    return `amqp://${credentials}@127.0.0.1:${this.port}`;
  }

  /**
   * A dead peer: sockets stay open, nothing is read or written either way, and no FIN passes.
   * Bytes wait in the kernel like TCP retransmits, so only heartbeats can notice. New connections
   * are accepted and stay silent too.
   */
  blackhole(): void {
    this.#assertOpen('blackhole');
    this.#state = 'blackholed';
    for (const pair of this.#pairs) {
      pair.client.pause();
      pair.upstream.pause();
    }
  }

  /** Forwards again (and listens again after refuse()). Bytes held during a blackhole flow on. */
  async restore(): Promise<void> {
    this.#assertOpen('restore');
    if (this.#state === 'refusing') await listen(this.#server, this.port);
    this.#state = 'forwarding';
    for (const pair of this.#pairs) {
      pair.client.resume();
      pair.upstream.resume();
    }
  }

  /** Destroys every proxied connection at once (both sides see a reset), like a NAT table flush. */
  dropAll(): void {
    for (const pair of [...this.#pairs]) destroyPair(pair);
    this.#pairs.clear();
  }

  /** Stops listening: new connections get ECONNREFUSED; existing ones are kept (dropAll() to cut them). */
  async refuse(): Promise<void> {
    this.#assertOpen('refuse');
    if (this.#state === 'refusing') return;
    this.#state = 'refusing';
    // The listening socket closes at once; close()'s callback would wait for every open connection
    // to end, which is not what refusing means (existing ones are cut only by dropAll()).
    this.#server.close();
  }

  /** Drops every connection and stops listening. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasListening = this.#state !== 'refusing';
    this.#state = 'closed';
    this.dropAll();
    if (wasListening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.#state === 'closed' || this.#state === 'refusing') {
      client.destroy();
      return;
    }
    this.acceptedCount += 1;
    const upstream = net.connect({ host: this.#targetHost, port: this.#targetPort });
    const pair: ProxiedPair = { client, upstream };
    this.#pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const isForwarding = () => this.#state === 'forwarding';
    forward(client, upstream, isForwarding);
    forward(upstream, client, isForwarding);
    const teardown = () => {
      if (!this.#pairs.delete(pair)) return;
      destroyPair(pair);
    };
    // 'close' only arrives while reading; a blackholed pair therefore stays up, as a dead peer would.
    client.once('close', teardown);
    upstream.once('close', teardown);
    client.on('error', teardown);
    upstream.on('error', teardown);
    if (this.#state === 'blackholed') {
      client.pause();
      upstream.pause();
    }
  }

  #assertOpen(operation: string): void {
    if (this.#state === 'closed') throw new Error(`tcp proxy: ${operation}() after close()`);
  }
}

/** Copies bytes one way with backpressure, and half-closes the other side on end. */
function forward(from: net.Socket, to: net.Socket, isForwarding: () => boolean): void {
  from.on('data', (chunk) => {
    if (!to.destroyed && !to.write(chunk)) {
      from.pause();
      // A drain during a blackhole must not reopen the tap; restore() resumes everyone.
      to.once('drain', () => {
        if (isForwarding()) from.resume();
      });
    }
  });
  from.once('end', () => {
    if (!to.destroyed) to.end();
  });
}

/** Both sides see a TCP reset, as when a middlebox forgets the connection. */
function destroyPair(pair: ProxiedPair): void {
  for (const socket of [pair.client, pair.upstream]) {
    if (socket.destroyed) continue;
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy();
    }
  }
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
