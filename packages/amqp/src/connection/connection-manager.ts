/*
 * ConnectionManager: owns the one AMQP connection — dialing URLs in turn, the state machine of
 * connection-state.ts, redials (counting: redial-tracker.ts; when: redial-scheduler.ts, with the port
 * probe), the redial timeout and alert log, blocked/unblocked, and the generation number. What to set up on a fresh connection
 * (topology, channels) is the driver's `setup` hook; this file never touches channels.
 */
import type { ChannelModel } from 'amqplib';
import { TypedEmitter, isWarrenError, redactUrl, type Logger, TimerSet, type OwnedTimer } from '@warren/core';
import { amqpError } from '../errors.js';
import { CONNECTION_TRANSITIONS, type ConnectionState } from './connection-state.js';
import { closeOrDestroy, destroyUnlessClosedWithin, dialBroker } from './broker-dialer.js';
import { RedialTracker } from './redial-tracker.js';
import { RedialScheduler } from './redial-scheduler.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MS, DROP_CLOSE_TIMEOUT_MS, connectionGauges, isFatal, type ConnectionGauges, type ConnectionManagerEventMap, type ConnectionManagerOptions,
} from './connection-manager-options.js';

export class ConnectionManager {
  readonly events = new TypedEmitter<ConnectionManagerEventMap>();
  #state: ConnectionState = 'idle';
  #generation = 0;
  #model: ChannelModel | undefined;
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

  get state(): ConnectionState {
    return this.#state;
  }

  /** Increments on every successful dial; async work compares its own number to this. */
  get generation(): number {
    return this.#generation;
  }

  /** The live connection model, or undefined while disconnected. */
  get model(): ChannelModel | undefined {
    return this.#model;
  }

  get gauges(): ConnectionGauges {
    return connectionGauges(this.#tracker, this.#generation, this.#isBrokerBlocked);
  }

  /** True when `generation` is still the live connection (work from older generations must do nothing). */
  isCurrent(generation: number): boolean {
    return generation === this.#generation && this.#model !== undefined;
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
  async close(beforeDisconnect: () => Promise<void>, closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const isFailed = this.#state === 'failed';
    if (!isFailed) this.#transition('closing', 'close() called');
    this.#timers.close();
    this.#scheduler.close();
    this.#disconnectTimer = undefined;
    try {
      await beforeDisconnect();
    } finally {
      const model = this.#model;
      this.#model = undefined;
      if (model) await closeOrDestroy(model, closeTimeoutMs, false);
      // Each is bounded by DROP_CLOSE_TIMEOUT_MS. A dial still in flight now is released when it completes (#attempt).
      while (this.#releasing.size > 0) await Promise.all(this.#releasing);
      if (!isFailed) this.#transition('closed', 'close() finished');
    }
  }

  /** Drops the live connection and redials (e.g. the driver found it unusable); its socket is destroyed within a bound. */
  dropConnection(reason: unknown): void {
    const model = this.#model;
    if (!model) return;
    this.#onLost(this.#generation, reason);
    this.#release(model); // the loss is handled above; this only frees the socket
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
      const { heartbeatMs, connectTimeoutMs, connectionName } = this.#options.section;
      model = await dial(url, { heartbeatMs, connectTimeoutMs, connectionName, logger: this.#log });
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
    const generation = ++this.#generation;
    this.#model = model;
    this.#isBrokerBlocked = false;
    model.on('error', (error: unknown) => this.#log.debug({ err: error, generation }, 'amqp connection error'));
    model.on('close', (error?: unknown) => {
      this.#trackRelease(destroyUnlessClosedWithin(model, DROP_CLOSE_TIMEOUT_MS));
      this.#onLost(generation, error ?? 'connection closed');
    });
    model.on('blocked', (reason: string) => this.#onBlockedChange(generation, reason));
    model.on('unblocked', () => this.#onBlockedChange(generation, undefined));
    this.#transition('connected', `connected to ${redactUrl(url)}`);
    try {
      await this.#options.setup(model, generation);
    } catch (error) {
      if (!this.isCurrent(generation) || this.#state !== 'connected') return; // lost meanwhile; #onLost redials
      if (!this.#hasBeenReady && isFatal(error)) {
        this.#fail(error);
        return;
      }
      this.#log.error({ err: error, event: 'amqp.setup.failed', generation }, 'amqp setup failed; dropping the connection and redialing');
      this.dropConnection(error);
      return;
    }
    if (!this.isCurrent(generation) || this.#state !== 'connected') return;
    this.#hasBeenReady = true;
    this.#tracker.recordReady();
    this.#scheduler.stop();
    this.#disconnectTimer?.cancel();
    this.#disconnectTimer = undefined;
    this.#options.breaker.recordSuccess();
    this.#transition('ready', 'setup complete');
    this.events.emit('connection:ready', { generation });
    if (this.#isBrokerBlocked) this.#transition('blocked', 'broker blocked publishing during setup');
  }

  #onAttemptFailed(error: unknown): void {
    if (this.#state !== 'connecting' && this.#state !== 'reconnecting') return;
    if (!isWarrenError(error, 'WARREN_ERR_BREAKER_OPEN') && error instanceof Error) this.#options.breaker.recordFailure(error);
    if (!this.#hasBeenReady && isFatal(error)) {
      this.#fail(error);
      return;
    }
    if (this.#state === 'reconnecting') this.#tracker.recordFailure();
    if (this.#state === 'connecting') this.#transition('reconnecting', error);
    this.#scheduleRedial(error);
  }

  #onLost(generation: number, error: unknown): void {
    if (generation !== this.#generation || this.#model === undefined) return;
    this.#model = undefined;
    this.#isBrokerBlocked = false;
    if (this.#state === 'closing' || this.#state === 'closed' || this.#state === 'failed') return;
    // Lost before setup completed (setup failed, or the broker dropped us during it): a failed redial, so the
    // schedule backs off and the alert counts it; otherwise a persistent setup failure redials at step one forever.
    if (this.#state === 'connected') this.#tracker.recordFailure();
    this.#log.warn({ err: error, event: 'amqp.connection.lost', generation }, 'amqp connection lost; redialing');
    this.#transition('reconnecting', error);
    this.events.emit('connection:lost', { generation, error });
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
  #onBlockedChange(generation: number, reason: string | undefined): void {
    if (generation !== this.#generation) return;
    this.#isBrokerBlocked = reason !== undefined;
    if (reason !== undefined) this.#log.warn({ event: 'amqp.connection.blocked', reason }, 'RabbitMQ blocked publishing (resource alarm); buffering publishes');
    else this.#log.info({ event: 'amqp.connection.unblocked' }, 'RabbitMQ unblocked publishing');
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
    const model = this.#model;
    this.#model = undefined;
    if (model) this.#release(model); // failed for good: the connection is not needed any more
    this.events.emit('connection:fatal', { error });
  }

  #transition(to: ConnectionState, cause: unknown): void {
    const from = this.#state;
    if (!CONNECTION_TRANSITIONS[from].includes(to)) {
      throw amqpError('WARREN_ERR_AMQP_CONN_ILLEGAL_STATE', `illegal connection state change ${from} → ${to}`, { details: { from, to } });
    }
    this.#state = to;
    this.#log.debug({ from, to, reason: cause instanceof Error ? cause.message : String(cause) }, 'amqp connection state');
    this.events.emit('connection:state', { from, to, cause });
  }
}

