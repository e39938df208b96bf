/*
 * ConnectionSession: what one successful dial yields — the role of its connection, a generation number, the amqplib
 * connection and an AbortSignal aborted exactly once when the session ends (lost or closed). The connection manager
 * creates and ends sessions; the publisher and consumers keep only the session they were given and check its signal
 * after every await, so work of an older session is dropped. Does not dial, redial or open channels.
 */
import type { ChannelModel } from 'amqplib';
import { amqpError } from '../errors.js';
import { canSessionTransition, isSessionActive, type SessionState } from './session-state.js';

/** What a connection is for: RabbitMQ blocks publishing connections under a resource alarm, never consuming ones. */
export type ConnectionRole = 'publish' | 'consume';

export class ConnectionSession {
  #state: SessionState = 'settingUp';
  readonly #abort = new AbortController();

  constructor(
    readonly role: ConnectionRole,
    readonly generation: number,
    readonly connection: ChannelModel,
  ) {}

  get state(): SessionState {
    return this.#state;
  }

  /** Aborted once, when the session is lost or closed; its reason says why. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** True while the session's connection may still be used (setting up or live). */
  get isActive(): boolean {
    return isSessionActive(this.#state);
  }

  /** Setup finished on this session. */
  markLive(): void {
    this.#transition('live');
  }

  /** Ends the session once: later calls do nothing. Aborts the signal with `reason`. */
  end(to: 'lost' | 'closed', reason: unknown): void {
    if (!this.isActive) return;
    this.#transition(to);
    this.#abort.abort(reason);
  }

  #transition(to: SessionState): void {
    const from = this.#state;
    if (!canSessionTransition(from, to)) {
      throw amqpError('WARREN_ERR_AMQP_CONN_ILLEGAL_STATE', `illegal session state change ${from} → ${to}`, {
        details: { from, to, role: this.role, generation: this.generation },
      });
    }
    this.#state = to;
  }
}

/**
 * Runs `onChannelLost` on the next microtask unless `session` has ended by then. amqplib closes every channel
 * (emitting their 'close') before it emits the connection's 'close', in one synchronous call: a channel 'close'
 * handler defers its decision with this, so a connection loss is handled once, by the session's end, and never
 * first as a channel error of each channel.
 */
export function unlessSessionEnded(session: ConnectionSession, onChannelLost: () => void): void {
  queueMicrotask(() => {
    if (session.isActive) onChannelLost();
  });
}
