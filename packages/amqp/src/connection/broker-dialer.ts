/*
 * dialBroker: one connection attempt to one broker URL, with heartbeat, connect timeout and the
 * connection_name client property. Wraps amqplib's errors in coded WarrenErrors (password redacted), and installs
 * the straggler-frame guard when amqplib-internals.ts allows it.
 * Also closes a connection within a time bound and tears down the socket of one that will not close. Does not retry and does not choose
 * the URL: the connection manager does.
 */
import type { ChannelModel } from 'amqplib';
import { redactUrl, type Logger } from '@warren/core';
import { amqpError } from '../errors.js';
import { REPLY_ACCESS_REFUSED, replyCodeOf } from '../amqp-reply-codes.js';
import { settleWithin } from '../settle-within.js';
import { connect } from './amqplib-module.js';
import { guardAgainstStragglerFrames } from './straggler-frame-guard.js';
import { guardAgainstDeepHeaders } from './deep-header-guard.js';
import { amqplibInternals } from './amqplib-internals.js';
import { describeTlsFailure, isTlsFailure, tlsSocketOptions, type AmqpTlsSettings } from './tls-options.js';

export interface DialOptions {
  readonly heartbeatMs: number;
  readonly connectTimeoutMs: number;
  readonly connectionName: string;
  /** For a debug line when the straggler guard drops frames (`amqp.straggler.dropped`). */
  readonly logger?: Logger;
  /** amqp.tls, for amqps:// URLs. */
  readonly tls?: AmqpTlsSettings | undefined;
}

/** The URL with `heartbeat` set in seconds (AMQP negotiates whole seconds), unless the URL sets it itself. */
export function withHeartbeat(url: string, heartbeatMs: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) {
    parsed.searchParams.set('heartbeat', String(heartbeatMs <= 0 ? 0 : Math.max(1, Math.round(heartbeatMs / 1000))));
  }
  return parsed.toString();
}

/** Opens one AMQP connection; rejects with WARREN_ERR_AMQP_CONN_REJECTED (403), WARREN_ERR_AMQP_CONN_TLS or WARREN_ERR_AMQP_CONN_UNAVAILABLE. */
export async function dialBroker(url: string, options: DialOptions): Promise<ChannelModel> {
  let dialUrl: string;
  try {
    dialUrl = withHeartbeat(url, options.heartbeatMs);
  } catch (error) {
    // Config loading refuses such a URL; a driver built without it must still not crash or print the password.
    return Promise.reject(amqpError('WARREN_ERR_AMQP_CONN_INVALID', `cannot dial ${redactUrl(url)}: it does not parse as a URL (percent-encode special characters in the password)`, {
      details: { url: redactUrl(url), reason: error instanceof Error ? error.name : typeof error },
    }));
  }
  // Throws (so rejects: this function is async) WARREN_ERR_AMQP_CONN_TLS when a file cannot be read.
  const tls = options.tls && dialUrl.startsWith('amqps:') ? tlsSocketOptions(options.tls) : undefined;
  try {
    const model = await connect(dialUrl, {
      ...tls,
      timeout: options.connectTimeoutMs,
      noDelay: true,
      clientProperties: { connection_name: options.connectionName },
    });
    if (amqplibInternals.canGuard(model)) {
      const { logger } = options;
      guardAgainstStragglerFrames(model, {
        // One line per closed channel, not per frame: a closed consumer channel can have a prefetch's worth in flight.
        onDropped: (channel, dropped) => {
          if (dropped === 1) logger?.debug({ event: 'amqp.straggler.dropped', channel }, 'dropping frames RabbitMQ still sends on a channel it closed');
        },
      });
    }
    guardAgainstDeepHeaders(model);
    return model;
  } catch (error) {
    const code = replyCodeOf(error);
    const text = error instanceof Error ? error.message : String(error);
    if (isTlsFailure(error)) {
      return Promise.reject(amqpError('WARREN_ERR_AMQP_CONN_TLS', `TLS with ${redactUrl(url)} failed: ${describeTlsFailure(error)}`, {
        cause: error,
        details: { url: redactUrl(url), tlsCode: (error as { code?: unknown }).code },
      }));
    }
    if (code === REPLY_ACCESS_REFUSED) {
      return Promise.reject(amqpError('WARREN_ERR_AMQP_CONN_REJECTED', `RabbitMQ refused the login at ${redactUrl(url)}: ${text}`, {
        cause: error,
        details: { url: redactUrl(url), replyCode: code },
      }));
    }
    return Promise.reject(amqpError('WARREN_ERR_AMQP_CONN_UNAVAILABLE', `cannot connect to ${redactUrl(url)}: ${text}`, {
      cause: error,
      details: { url: redactUrl(url), replyCode: code },
    }));
  }
}

/** The parts of amqplib's socket (`connection.stream`) that tearing it down needs. */
interface ConnectionSocket {
  readonly destroyed?: boolean;
  destroy?(): void;
  once?(event: 'close', listener: () => void): unknown;
}

function socketOf(model: ChannelModel): ConnectionSocket | undefined {
  return (model as unknown as { connection?: { stream?: ConnectionSocket } }).connection?.stream;
}

/** Destroys the socket of a connection that did not answer connection.close (dead peer); amqplib keeps it on `connection.stream`. */
export function destroySocket(model: ChannelModel): void {
  socketOf(model)?.destroy?.();
}

/**
 * After amqplib's 'close' (broker close, heartbeat timeout, socket error) the socket has only been ended: a dead
 * peer never answers that FIN, and the socket would stay open. Destroys it unless it closes within `timeoutMs`
 * (a live broker closes its side at once). Never rejects.
 */
export async function destroyUnlessClosedWithin(model: ChannelModel, timeoutMs: number): Promise<void> {
  const socket = socketOf(model);
  if (!socket || socket.destroyed) return;
  const closed = new Promise<void>((resolve) => socket.once?.('close', () => resolve()));
  if (!(await settleWithin(closed, Date.now() + timeoutMs))) socket.destroy?.();
}

/**
 * Closes `model`, waiting at most `timeoutMs` for close-ok (a dead peer never sends it); then destroys its socket
 * when the close did not finish in time, or always when `isDropped` (nothing more is wanted from it). Never rejects.
 */
export async function closeOrDestroy(model: ChannelModel, timeoutMs: number, isDropped: boolean): Promise<void> {
  const isClosed = await settleWithin(model.close(), Date.now() + timeoutMs);
  if (!isClosed || isDropped) destroySocket(model);
}
