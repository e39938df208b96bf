/*
 * What the connection manager is given (section, logger, breaker, setup hook), what it emits (its event
 * map) and reports (gauges, built here), plus the rule for which failures are fatal before the first connection.
 */
import { isWarrenError, type Logger } from '@warren/core';
import type { AmqpSection } from '../amqp-options.js';
import type { BrokerBreaker } from '../breaker/broker-breaker.js';
import type { dialBroker } from './broker-dialer.js';
import type { ConnectionState } from './connection-state.js';
import type { ConnectionRole, ConnectionSession } from './connection-session.js';
import { REPLY_CONNECTION_FORCED, replyCodeOf } from '../amqp-reply-codes.js';
import type { PortCheck } from './reachability-probe.js';
import type { RedialTracker } from './redial-tracker.js';

export type ConnectionManagerEventMap = {
  /** The state changed; `cause` is an error or a short reason. */
  'connection:state': { from: ConnectionState; to: ConnectionState; cause: unknown };
  /** The session of `generation` is up and set up (topology declared, publisher or consumers attached). */
  'connection:ready': { role: ConnectionRole; generation: number };
  /** The session of `generation` was lost (its signal is aborted). */
  'connection:lost': { role: ConnectionRole; generation: number; error: unknown };
  /** The next redial is scheduled. */
  'connection:retry': { attempt: number; delayMs: number; error: unknown };
  /** A fatal error no caller waits on: redial timeout, or a failure that no retry can fix. */
  'connection:fatal': { error: unknown };
};

/** Rebuilds everything on a fresh session before it counts as ready; throws to drop it (or fail, if fatal). */
export type ConnectionSetup = (session: ConnectionSession) => Promise<void>;

export interface ConnectionManagerOptions {
  /** What this connection carries; also the suffix of its connection_name (`<name>/publish`, `<name>/consume`). */
  readonly role: ConnectionRole;
  readonly section: AmqpSection;
  readonly logger: Logger;
  readonly breaker: BrokerBreaker;
  readonly setup: ConnectionSetup;
  /** Replaces amqplib's connect (tests). */
  readonly dial?: typeof dialBroker;
  /** Replaces the reachability probe's TCP check (tests). */
  readonly probeCheck?: PortCheck;
}

/** How long close() waits for connection.close-ok when the caller does not say. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/** How long a dropped (unusable or unwanted) connection gets for close-ok before its socket is destroyed anyway. */
export const DROP_CLOSE_TIMEOUT_MS = 1_000;

/** The connection's numbers in driver.status().gauges. */
export interface ConnectionGauges {
  readonly redials: number;
  readonly consecutiveFailedRedials: number;
  /** 1 once `redial.alert_after` consecutive redials failed, until a connection is ready again. */
  readonly redialAlert: number;
  readonly generation: number;
  /** 1 while the broker blocks our publishes. */
  readonly blocked: number;
}

/** The gauges from the redial counts, the generation and whether the broker blocks us. */
export function connectionGauges(tracker: RedialTracker, generation: number, isBrokerBlocked: boolean): ConnectionGauges {
  return {
    redials: tracker.redials,
    consecutiveFailedRedials: tracker.consecutiveFailures,
    redialAlert: tracker.alertGauge,
    generation,
    blocked: isBrokerBlocked ? 1 : 0,
  };
}

// Socket errors after which the broker is most likely still reachable (it reset or ended the socket).
const SOCKET_BROKEN = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * Whether a lost ready connection is redialed at once: the broker forced the close (CONNECTION_FORCED: an operator,
 * or a node shutting down — a refused first redial then costs nothing) or broke the socket. A heartbeat timeout is
 * not: the broker may be unreachable, and the schedule's first step applies.
 */
export function isImmediateRedialCause(error: unknown): boolean {
  if (replyCodeOf(error) === REPLY_CONNECTION_FORCED) return true;
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && SOCKET_BROKEN.has(code)) return true;
  return (error as { message?: unknown }).message === 'Unexpected close'; // amqplib: the broker ended the socket
}

/** What no retry can fix before the first successful connection. */
export function isFatal(error: unknown): boolean {
  return isWarrenError(error, 'WARREN_ERR_AMQP_CONN_REJECTED') || isWarrenError(error, 'WARREN_ERR_AMQP_CONN_TLS')
    || isWarrenError(error, 'WARREN_ERR_AMQP_TOPOLOGY_MISMATCH');
}
