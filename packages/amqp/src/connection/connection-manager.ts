/*
 * ConnectionManager: owns one AMQP connection of one role (publish or consume) — dialing URLs in turn, the state
 * machine of connection-state.ts, redials (counting: redial-tracker.ts; when: redial-scheduler.ts, with the port
 * probe), the redial timeout and alert log, blocked/unblocked. Each successful dial yields one ConnectionSession,
 * ended exactly once on loss or close. What to rebuild on a session is the driver's `setup` hook; this file never
 * touches channels.
 */
import type { ChannelModel } from 'amqplib';
import { TypedEmitter, isWarrenError, redactUrl, type Logger, TimerSet, type OwnedTimer } from '@warren/core';
import { ConnectionSession, type ConnectionRole } from './connection-session.js';
import { amqpError } from '../errors.js';
import { CONNECTION_TRANSITIONS, type ConnectionState } from './connection-state.js';
import { closeOrDestroy, destroyUnlessClosedWithin, dialBroker } from './broker-dialer.js';
import { RedialTracker } from './redial-tracker.js';
import { RedialScheduler } from './redial-scheduler.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MS, DROP_CLOSE_TIMEOUT_MS, connectionGauges, isFatal, isImmediateRedialCause, type ConnectionGauges, type ConnectionManagerEventMap, type ConnectionManagerOptions,
} from './connection-manager-options.js';

export class ConnectionManager {
  readonly events = new TypedEmitter<ConnectionManagerEventMap>();
  #state: ConnectionState = 'idle';
  #generation = 0;
  /** The session of the live connection (setting up or live); undefined while disconnected. */
  #session: ConnectionSession | undefined;
  #closing: Promise<void> | undefined;
  #hasBeenReady = false;
  #isBrokerBlocked = false;
  #urlIndex = 0;
  #disconnectTimer: OwnedTimer | undefined;
  #failure: unknown;
  readonly #timers = new TimerSet();
  /** Sockets being let go in the background (lost, dropped or failed connections); close() waits for them. */
  readonly #releasing = new Set<Promise<void>>();
  readonly #options: ConnectionManagerOptions;
  readonly #log: Logger;
  readonly #tracker: RedialTracker;
  readonly #scheduler: RedialScheduler;

  constructor(options: ConnectionManagerOptions) {
    this.#options = options;
    this.#log = options.logger;
    this.#tracker = new RedialTracker(options.section.redial);
    this.#scheduler = new RedialScheduler({
      probeIntervalMs: options.section.redial.probeIntervalMs, tracker: this.#tracker, logger: options.logger, check: options.probeCheck,
      target: () => this.#nextUrl(), redial: () => void this.#attempt(), // the attempt reports through state and events
      canRedialEarly: () => this.#state === 'reconnecting' && !options.breaker.isOpen,
    });
  }

  get role(): ConnectionRole {
    return this.#options.role;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Increments on every successful dial (each session has its own number). */
  get generation(): number {
    return this.#generation;
  }

  /** The session of the live connection, or undefined while disconnected. */
  get session(): ConnectionSession | undefined {
    return this.#session;
  }

  /** The live connection model, or undefined while disconnected. */
  get model(): ChannelModel | undefined {
    return this.#session?.connection;
  }

  get gauges(): ConnectionGauges {
    return connectionGauges(this.#tracker, this.#generation, this.#isBrokerBlocked);
  }

  /** Dials for the first time; resolves after that attempt whatever its outcome, except a fatal one (rejects). */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw amqpError('WARREN_ERR_AMQP_CONN_ILLEGAL_STATE', `start() in state ${this.#state}`);
    this.#transition('connecting', 'start');
    this.#armDisconnectTimer();
    await this.#attempt();
    if ((this.state as ConnectionState) === 'failed') throw this.#failure;
  }

  /**
   * Stops redialing, runs `beforeDisconnect` (flush) while still connected, then closes the connection.
   * A connection that does not answer connection.close within `closeTimeoutMs` (dead peer) has its socket destroyed.
   */
  close(beforeDisconnect: () => Promise<void> = async () => undefined, closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    this.#closing ??= this.#close(beforeDisconnect, closeTimeoutMs);
    return this.#closing;
  }

  async #close(beforeDisconnect: () => Promise<void>, closeTimeoutMs: number): Promise<void> {
    const isFailed = this.#state === 'failed';
    if (!isFailed) this.#transition('closing', 'close() called');
    this.#timers.close();
    this.#scheduler.close();
    this.#disconnectTimer = undefined;
    try {
      await beforeDisconnect();
    } finally {
      const session = this.#session;
      this.#session = undefined;
      session?.end('closed', 'close() called');
      if (session) await closeOrDestroy(session.connection, closeTimeoutMs, false);
      // Each is bounded by DROP_CLOSE_TIMEOUT_MS. A dial still in flight now is released when it completes (#attempt).
      while (this.#releasing.size > 0) await Promise.all(this.#releasing);
      if (!isFailed) this.#transition('closed', 'close() finished');
    }
  }

  /** Drops the live connection and redials (e.g. the driver found it unusable); its socket is destroyed within a bound. */
  dropConnection(reason: unknown): void {
    const session = this.#session;
    if (!session) return;
    this.#onLost(session, reason);
    this.#release(session.connection); // the loss is handled above; this only frees the socket
  }

  /** Closes a connection nobody wants any more in the background, destroying its socket within DROP_CLOSE_TIMEOUT_MS. */
  #release(model: ChannelModel): void {
    this.#trackRelease(closeOrDestroy(model, DROP_CLOSE_TIMEOUT_MS, true));
  }

  #trackRelease(work: Promise<void>): void {
    const released = work.catch(() => undefined).finally(() => this.#releasing.delete(released));
    this.#releasing.add(released);
  }

  #nextUrl(): string {
    return this.#options.section.urls[this.#urlIndex % this.#options.section.urls.length] as string;
  }

  async #attempt(): Promise<void> {
    const url = this.#nextUrl();
    this.#urlIndex++;
    const dial = this.#options.dial ?? dialBroker;
    let model: ChannelModel;
    try {
      if (this.#options.breaker.isOpen) throw amqpError('WARREN_ERR_BREAKER_OPEN', 'the broker circuit breaker is open; dial skipped');
      const { heartbeatMs, connectTimeoutMs, connectionName, tls } = this.#options.section;
      model = await dial(url, { heartbeatMs, connectTimeoutMs, connectionName: `${connectionName}/${this.#options.role}`, logger: this.#log, tls });
    } catch (error) {
      this.#onAttemptFailed(error);
      return;
    }
    if (this.#state !== 'connecting' && this.#state !== 'reconnecting') {
      model.on('error', () => undefined); // an unwanted connection's socket error must not become an unhandled 'error'
      this.#release(model); // closed or failed meanwhile: this connection is not wanted
      return;
    }
    await this.#onDialed(model, url);
  }

  async #onDialed(model: ChannelModel, url: string): Promise<void> {
    const { role } = this.#options;
    const session = new ConnectionSession(role, ++this.#generation, model);
    const { generation } = session;
    this.#session = session;
    this.#isBrokerBlocked = false;
    model.on('error', (error: unknown) => this.#log.debug({ err: error, role, generation }, 'amqp connection error'));
    model.on('close', (error?: unknown) => {
      this.#trackRelease(destroyUnlessClosedWithin(model, DROP_CLOSE_TIMEOUT_MS));
      this.#onLost(session, error ?? 'connection closed');
    });
    model.on('blocked', (reason: string) => this.#onBlockedChange(session, reason));
    model.on('unblocked', () => this.#onBlockedChange(session, undefined));
    this.#transition('connected', `${role} connection to ${redactUrl(url)}`);
    try {
      await this.#options.setup(session);
    } catch (error) {
      if (!session.isActive || this.#state !== 'connected') return; // lost meanwhile; #onLost redials
      if (!this.#hasBeenReady && isFatal(error)) {
        this.#fail(error);
        return;
      }
      this.#log.error({ err: error, event: 'amqp.setup.failed', role, generation }, 'amqp setup failed; dropping the connection and redialing');
      this.dropConnection(error);
      return;
    }
    if (!session.isActive || this.#state !== 'connected') return;
    session.markLive();
    this.#hasBeenReady = true;
    this.#tracker.recordReady();
    this.#scheduler.stop();
    this.#disconnectTimer?.cancel();
    this.#disconnectTimer = undefined;
    this.#options.breaker.recordSuccess();
    this.#transition('ready', 'setup complete');
    this.events.emit('connection:ready', { role, generation });
    if (this.#isBrokerBlocked) this.#transition('blocked', 'broker blocked publishing during setup');
  }

  #onAttemptFailed(error: unknown): void {
    if (this.#state !== 'connecting' && this.#state !== 'reconnecting') return;
    this.#log.debug({ err: error, event: 'amqp.dial.failed', role: this.#options.role }, `amqp ${this.#options.role} dial failed`);
    if (!isWarrenError(error, 'WARREN_ERR_BREAKER_OPEN') && error instanceof Error) this.#options.breaker.recordFailure(error);
    if (!this.#hasBeenReady && isFatal(error)) {
      this.#fail(error);
      return;
    }
    if (this.#state === 'reconnecting') this.#tracker.recordFailure();
    if (this.#state === 'connecting') this.#transition('reconnecting', error);
    this.#scheduleRedial(error);
  }

  /** The one place a session ends by loss: everything attached to it sees its signal abort, once. */
  #onLost(session: ConnectionSession, error: unknown): void {
    if (session !== this.#session) return;
    this.#session = undefined;
    this.#isBrokerBlocked = false;
    session.end('lost', error);
    if (this.#state === 'closing' || this.#state === 'closed' || this.#state === 'failed') return;
    // Lost before setup completed (setup failed, or the broker dropped us during it): a failed redial, so the
    // schedule backs off and the alert counts it; otherwise a persistent setup failure redials at step one forever.
    if (this.#state === 'connected') this.#tracker.recordFailure();
    else this.#tracker.recordLost(isImmediateRedialCause(error));
    const { role } = this.#options;
    const { generation } = session;
    this.#log.warn({ err: error, event: 'amqp.connection.lost', role, generation }, `amqp ${role} connection lost; redialing`);
    this.#transition('reconnecting', error);
    this.events.emit('connection:lost', { role, generation, error });
    this.#armDisconnectTimer();
    this.#scheduleRedial(error);
  }

  #scheduleRedial(error: unknown): void {
    const failures = this.#tracker.consecutiveFailures;
    if (this.#tracker.isAlertDue()) {
      this.#log.error({ event: 'amqp.redial.threshold', consecutiveFailedRedials: failures, err: error },
        `amqp: ${failures} consecutive redials failed; the broker is still unreachable`);
    }
    const delayMs = this.#scheduler.schedule();
    this.events.emit('connection:retry', { attempt: failures + 1, delayMs, error });
  }

  #armDisconnectTimer(): void {
    const { timeoutMs } = this.#options.section.redial;
    if (timeoutMs <= 0 || this.#disconnectTimer) return;
    this.#disconnectTimer = this.#timers.schedule(timeoutMs, () => {
      this.#disconnectTimer = undefined;
      if (this.#state !== 'reconnecting' && this.#state !== 'connecting' && this.#state !== 'connected') return;
      this.#fail(amqpError('WARREN_ERR_AMQP_CONN_TIMEOUT', `disconnected from RabbitMQ for longer than amqp.redial.timeout (${timeoutMs}ms); giving up`, {
        details: { timeoutMs, consecutiveFailedRedials: this.#tracker.consecutiveFailures },
      }));
    });
  }

  /** connection.blocked (`reason`) / connection.unblocked (undefined) of `generation`. */
  #onBlockedChange(session: ConnectionSession, reason: string | undefined): void {
    if (session !== this.#session) return;
    this.#isBrokerBlocked = reason !== undefined;
    const { role } = this.#options;
    if (reason !== undefined) this.#log.warn({ event: 'amqp.connection.blocked', role, reason }, `RabbitMQ blocked the ${role} connection (resource alarm)`);
    else this.#log.info({ event: 'amqp.connection.unblocked', role }, `RabbitMQ unblocked the ${role} connection`);
    if (reason !== undefined && this.#state === 'ready') this.#transition('blocked', reason);
    if (reason === undefined && this.#state === 'blocked') this.#transition('ready', 'unblocked');
  }

  #fail(error: unknown): void {
    this.#failure = error;
    this.#timers.close();
    this.#scheduler.close();
    this.#disconnectTimer = undefined;
    this.#log.error({ err: error, event: 'amqp.connection.failed' }, 'amqp driver failed; not redialing');
    this.#transition('failed', error);
    const session = this.#session;
    this.#session = undefined;
    session?.end('lost', error);
    if (session) this.#release(session.connection); // failed for good: the connection is not needed any more
    this.events.emit('connection:fatal', { error });
  }

  #transition(to: ConnectionState, cause: unknown): void {
    const from = this.#state;
    if (!CONNECTION_TRANSITIONS[from].includes(to)) {
      throw amqpError('WARREN_ERR_AMQP_CONN_ILLEGAL_STATE', `illegal connection state change ${from} → ${to}`, { details: { from, to } });
    }
    this.#state = to;
    this.#log.debug({ role: this.#options.role, from, to, reason: cause instanceof Error ? cause.message : String(cause) }, 'amqp connection state');
    this.events.emit('connection:state', { from, to, cause });
  }
}

