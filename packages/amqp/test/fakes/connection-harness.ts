/*
 * A ConnectionManager on fakes for unit tests: FakeConnection (an amqplib ChannelModel whose controls are
 * named after what the broker does), FakePort (the reachability probe's TCP check) and dial outcomes queued
 * per attempt. Records dials, states, retries and log lines. Tests own fake timers; call shutdownBreakers().
 */
import { EventEmitter } from 'node:events';
import type { ChannelModel } from 'amqplib';
import { createLogger } from '@warren/core';
import { parseAmqpSection } from '../../src/amqp-options.js';
import { BrokerBreaker } from '../../src/breaker/broker-breaker.js';
import { ConnectionManager } from '../../src/connection/connection-manager.js';
import type { ConnectionState } from '../../src/connection/connection-state.js';
import type { ConnectionSession } from '../../src/connection/connection-session.js';
import { amqpError } from '../../src/errors.js';

/** Like amqplib's ChannelModel.connection.stream: a socket that closes when the peer closes or when destroyed. */
export class FakeSocket extends EventEmitter {
  destroyed = false;
  /** True once destroy() was called (not when the peer closed it). */
  isDestroyedByUs = false;
  destroy(): void {
    this.isDestroyedByUs = true;
    this.closedByPeer();
  }
  closedByPeer(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

/** A fake amqplib ChannelModel whose controls are named after what the broker does. */
export class FakeConnection extends EventEmitter {
  isClosed = false;
  isCloseHanging = false;
  readonly connection = { stream: new FakeSocket() };
  /** True once the manager destroyed the socket (close-ok never came, or the connection was dropped). */
  get isDestroyed(): boolean {
    return this.connection.stream.isDestroyedByUs;
  }
  async close(): Promise<void> {
    if (this.isCloseHanging) return new Promise(() => undefined);
    if (this.isClosed) return;
    this.isClosed = true;
    this.emit('close');
    this.connection.stream.closedByPeer(); // after close-ok the broker closes its side
  }
  /** The broker closed the connection (CONNECTION_FORCED, a channel error on channel 0...); its side of TCP goes with it. */
  dropConnection(error: Error): void {
    this.isClosed = true;
    this.emit('error', error);
    this.emit('close', error);
    this.connection.stream.closedByPeer();
  }
  /** The peer went silent (heartbeat timeout, cut cable): amqplib closes, but the socket never hears back. */
  loseSilently(error: Error): void {
    this.isClosed = true;
    this.emit('error', error);
    this.emit('close', error);
  }
  block(reason: string): void {
    this.emit('blocked', reason);
  }
  unblock(): void {
    this.emit('unblocked');
  }
}

export type DialOutcome = 'ok' | Error;
const breakers: BrokerBreaker[] = [];

/** Shuts down every breaker the harness made (opossum keeps a timer). */
export function shutdownBreakers(): void {
  for (const breaker of breakers.splice(0)) breaker.shutdown();
}

/** A fake reachability probe: the broker port is open or closed as the test says; every check is recorded. */
export class FakePort {
  isOpen = false;
  /** When set, checks never settle (a host that drops SYNs), until aborted. */
  isHanging = false;
  readonly checks: Array<{ host: string; port: number; signal: AbortSignal }> = [];
  readonly check = (host: string, port: number, _timeoutMs: number, signal: AbortSignal): Promise<boolean> => {
    this.checks.push({ host, port, signal });
    if (!this.isHanging) return Promise.resolve(this.isOpen);
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(false)));
  };
}

export function harness(
  rawSection: Record<string, unknown>, outcomes: DialOutcome[], setup: (generation: number, session: ConnectionSession) => Promise<void> = async () => undefined,
  port = new FakePort(),
) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  const section = parseAmqpSection({ ...rawSection, redial: { schedule: [100, 200, 400], jitter: 0, ...(rawSection.redial as object) } });
  const dialedUrls: string[] = [];
  const dialedAtMs: number[] = [];
  const connections: FakeConnection[] = [];
  const breaker = new BrokerBreaker({ failureThreshold: 1_000, resetTimeoutMs: 10_000 });
  breakers.push(breaker);
  const manager = new ConnectionManager({
    section, logger, breaker, role: 'consume',
    setup: (session) => setup(session.generation, session),
    probeCheck: port.check,
    dial: async (url) => {
      dialedUrls.push(url);
      dialedAtMs.push(Date.now());
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome instanceof Error) throw outcome;
      const connection = new FakeConnection();
      connections.push(connection);
      return connection as unknown as ChannelModel;
    },
  });
  const states: ConnectionState[] = [];
  const retries: number[] = [];
  const fatal: unknown[] = [];
  manager.events.on('connection:state', ({ to }) => states.push(to));
  manager.events.on('connection:retry', ({ delayMs }) => retries.push(delayMs));
  manager.events.on('connection:fatal', ({ error }) => fatal.push(error));
  return { manager, lines, dialedUrls, dialedAtMs, connections, states, retries, fatal, breaker, port };
}

export const unavailable = () => amqpError('WARREN_ERR_AMQP_CONN_UNAVAILABLE', 'connect ECONNREFUSED');
export const refused = () => amqpError('WARREN_ERR_AMQP_CONN_REJECTED', 'ACCESS_REFUSED');
export const mismatch = () => amqpError('WARREN_ERR_AMQP_TOPOLOGY_MISMATCH', 'queue "q" exists with different arguments');
