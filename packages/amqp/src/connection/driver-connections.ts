/*
 * DriverConnections: the driver's two connections, one ConnectionManager each — `publish` (the publisher's confirm
 * channel and delay-queue declares) and `consume` (topology before consuming, consumer channels, acks) — as RabbitMQ
 * recommends: a resource alarm blocks the publishing connection, never the acks of the consuming one. Starts and
 * closes both, and folds their states into one DriverState. Knows nothing of channels: each manager's `setup` does.
 */
import { TypedEmitter, type DriverState, type Logger } from '@warren/core';
import type { AmqpSection } from '../amqp-options.js';
import type { BrokerBreaker } from '../breaker/broker-breaker.js';
import { ConnectionManager } from './connection-manager.js';
import type { ConnectionManagerEventMap, ConnectionManagerOptions, ConnectionSetup } from './connection-manager-options.js';
import type { ConnectionRole } from './connection-session.js';
import { combineDriverStates, toDriverState, type ConnectionState } from './connection-state.js';

export interface DriverConnectionsOptions extends Pick<ConnectionManagerOptions, 'dial' | 'probeCheck'> {
  readonly section: AmqpSection;
  readonly logger: Logger;
  readonly breaker: BrokerBreaker;
  readonly setup: Readonly<Record<ConnectionRole, ConnectionSetup>>;
}

export type DriverConnectionsEventMap = {
  /** The folded driver state changed; `cause` is what moved the connection that changed it. */
  'connections:state': { from: DriverState; to: DriverState; role: ConnectionRole; cause: unknown };
};

export class DriverConnections {
  readonly events = new TypedEmitter<DriverConnectionsEventMap>();
  readonly publish: ConnectionManager;
  readonly consume: ConnectionManager;
  /** Per role, what health sees; `connected` (setting up) keeps the previous value so a redial reads reconnecting → ready. */
  readonly #seen: Record<ConnectionRole, DriverState> = { publish: 'idle', consume: 'idle' };
  #state: DriverState = 'idle';

  constructor(options: DriverConnectionsOptions) {
    const { setup, ...shared } = options;
    this.publish = new ConnectionManager({ ...shared, role: 'publish', setup: setup.publish });
    this.consume = new ConnectionManager({ ...shared, role: 'consume', setup: setup.consume });
    for (const manager of [this.publish, this.consume]) {
      manager.events.on('connection:state', ({ to, cause }) => this.#onManagerState(manager.role, to, cause));
    }
  }

  /** The folded state of both connections. */
  get state(): DriverState {
    return this.#state;
  }

  /** Each connection's own DriverState, for /ready and `warren status`. */
  get states(): Readonly<Record<ConnectionRole, DriverState>> {
    return { publish: this.#seen.publish, consume: this.#seen.consume };
  }

  /**
   * Both connections' numbers for driver.status(): redials and failures added up, `generation` counting the
   * sessions of both, `blocked` from the publish connection; plus each connection's own state.
   */
  get gauges(): Record<string, number | string> {
    const publish = this.publish.gauges;
    const consume = this.consume.gauges;
    return {
      redials: publish.redials + consume.redials,
      consecutiveFailedRedials: Math.max(publish.consecutiveFailedRedials, consume.consecutiveFailedRedials),
      redialAlert: Math.max(publish.redialAlert, consume.redialAlert),
      generation: publish.generation + consume.generation,
      blocked: publish.blocked,
      connectionState: combineInternal(this.publish.state, this.consume.state),
      'connection.publish': this.publish.state,
      'connection.consume': this.consume.state,
      'generation.publish': publish.generation,
      'generation.consume': consume.generation,
    };
  }

  /** Subscribes `listener` to an event of both managers; returns the unsubscribe. */
  onEither<E extends keyof ConnectionManagerEventMap>(event: E, listener: (payload: ConnectionManagerEventMap[E], role: ConnectionRole) => void): () => void {
    const offs = [this.publish, this.consume].map((manager) => manager.events.on(event, (payload) => listener(payload, manager.role)));
    return () => offs.forEach((off) => off());
  }

  /** Dials both; resolves after both first attempts, rejects when either met what no retry can fix. */
  async start(): Promise<void> {
    const results = await Promise.allSettled([this.consume.start(), this.publish.start()]);
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  #onManagerState(role: ConnectionRole, to: ConnectionState, cause: unknown): void {
    if (to !== 'connected') this.#seen[role] = toDriverState(to);
    const from = this.#state;
    const next = combineDriverStates(this.#seen.publish, this.#seen.consume);
    if (next === from) return;
    this.#state = next;
    this.events.emit('connections:state', { from, to: next, role, cause });
  }
}

/** One internal state for both (the gauge `connectionState`): theirs when they agree, else `publish:X consume:Y`. */
function combineInternal(publish: ConnectionState, consume: ConnectionState): string {
  return publish === consume ? publish : `publish:${publish} consume:${consume}`;
}
