/*
 * The connection manager's states and the only legal moves between them (CONNECTION_TRANSITIONS),
 * plus their mapping onto core's DriverState. Pure: no I/O. Review connection-manager.ts against this spec.
 *
 *   idle          constructed, start() not called yet.            → connecting, closing
 *   connecting    first dial in progress (never connected yet).     → connected, reconnecting, failed, closing
 *   connected     AMQP open; topology, publisher, consumers being   → ready, reconnecting, failed, closing
 *                 set up for this generation.
 *   ready         everything up; publishes go straight out.         → blocked, reconnecting, closing
 *   blocked       broker sent connection.blocked (memory/disk       → ready, reconnecting, closing
 *                 alarm): publishes wait in the outbox.
 *   reconnecting  disconnected; waiting for or dialing the next     → connected, failed, closing
 *                 attempt on the redial schedule.
 *   closing       close() called: flushing, closing channels.       → closed
 *   closed        terminal, after close().
 *   failed        terminal: what no retry can fix before the first successful connection (ACCESS_REFUSED,
 *                 topology mismatch), or disconnected longer than redial.timeout. close() still cleans up.
 */
import type { DriverState } from '@warren/core';

export type ConnectionState =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'ready'
  | 'blocked'
  | 'reconnecting'
  | 'closing'
  | 'closed'
  | 'failed';

/** Legal moves: from → the states it may go to. Anything else is a bug (WARREN_ERR_AMQP_CONN_ILLEGAL_STATE). */
export const CONNECTION_TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ['connecting', 'closing'],
  connecting: ['connected', 'reconnecting', 'failed', 'closing'],
  connected: ['ready', 'reconnecting', 'failed', 'closing'],
  ready: ['blocked', 'reconnecting', 'closing'],
  blocked: ['ready', 'reconnecting', 'closing'],
  reconnecting: ['connected', 'failed', 'closing'],
  closing: ['closed'],
  closed: [],
  failed: [],
};

/** Whether `from → to` is a legal move. */
export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return CONNECTION_TRANSITIONS[from].includes(to);
}

const DRIVER_STATE_OF: Readonly<Record<ConnectionState, DriverState>> = {
  idle: 'idle',
  connecting: 'connecting',
  connected: 'connecting',
  ready: 'ready',
  blocked: 'blocked',
  reconnecting: 'reconnecting',
  closing: 'closing',
  closed: 'closed',
  failed: 'failed',
};

/** The transport-neutral state that health/readiness see for a connection state. */
export function toDriverState(state: ConnectionState): DriverState {
  return DRIVER_STATE_OF[state];
}

/** States in which the connection is up (channels may be opened). */
export function isConnectedState(state: ConnectionState): boolean {
  return state === 'connected' || state === 'ready' || state === 'blocked';
}

// Worst first: the driver reads as the less healthy of its two connections.
const SEVERITY: readonly DriverState[] = ['failed', 'closing', 'closed', 'reconnecting', 'connecting', 'idle', 'blocked', 'ready'];

/**
 * The driver's state from its publish and consume connections' (each already mapped by toDriverState): the less
 * healthy one, except that closing wins over closed (one still closing) and blocked means the publish side is
 * blocked while consuming goes on.
 */
export function combineDriverStates(publish: DriverState, consume: DriverState): DriverState {
  const publishRank = SEVERITY.indexOf(publish);
  const consumeRank = SEVERITY.indexOf(consume);
  return publishRank <= consumeRank ? publish : consume;
}
