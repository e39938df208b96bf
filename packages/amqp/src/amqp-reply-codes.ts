/*
 * AMQP 0-9-1 reply codes that Warren reacts to, as named constants, each marked fatal or not.
 * "Fatal" means no retry can fix it before the first successful connection (see connection-state.ts);
 * it does not decide what happens after one (then every loss is retried). Also owns reading a code off an amqplib error.
 */

/** Connection closed by an operator or a broker shutdown (`rabbitmqctl stop_app`, restart). Not fatal: redial. */
export const REPLY_CONNECTION_FORCED = 320;
/** A queue or exchange does not exist (e.g. deleted under a consumer). Not fatal: re-declare and retry. */
export const REPLY_NOT_FOUND = 404;
/** Exclusive queue locked by another connection. Not fatal: retry later. */
export const REPLY_RESOURCE_LOCKED = 405;
/** A declare with arguments that differ from the existing queue, or an ack too late (consumer_timeout).
 * Fatal on first connect when it comes from a topology declare (config mismatch); otherwise a channel error. */
export const REPLY_PRECONDITION_FAILED = 406;
/** Bad credentials or no permission on the vhost. Fatal before the first successful connection. */
export const REPLY_ACCESS_REFUSED = 403;
/** Operation not allowed, e.g. the vhost does not exist. Not fatal: an operator may create it. */
export const REPLY_NOT_ALLOWED = 530;
/** Broker internal error. Not fatal: redial. */
export const REPLY_INTERNAL_ERROR = 541;
/** A channel-level protocol error of ours (unknown delivery tag is reported as 406 by RabbitMQ). Not fatal. */
export const REPLY_CHANNEL_ERROR = 504;
/** Broker closed a channel because of an unexpected frame. Not fatal: recover the channel. */
export const REPLY_UNEXPECTED_FRAME = 505;
/** A publish to a queue that does not exist with `mandatory` set. Not fatal: the publish is rejected. */
export const REPLY_NO_ROUTE = 312;

/** Codes that no retry can fix before the first successful connection. */
const FATAL_BEFORE_FIRST_CONNECT: ReadonlySet<number> = new Set([REPLY_ACCESS_REFUSED]);

/** True when an error with this reply code must stop redialing before the first successful connection. */
export function isFatalReplyCode(code: number | undefined): boolean {
  return code !== undefined && FATAL_BEFORE_FIRST_CONNECT.has(code);
}

// amqplib reports a handshake refusal only in the message ("Handshake terminated by server: 403 (ACCESS-REFUSED) ...");
// it has no `code` field there, so this is the one place that reads a number out of a message.
const HANDSHAKE_CODE = /terminated by server: (\d{3})\b/;

/** The AMQP reply code carried by an amqplib error, or undefined (socket errors, timeouts). */
export function replyCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return code;
  const message = (error as { message?: unknown }).message;
  if (typeof message !== 'string') return undefined;
  const match = HANDSHAKE_CODE.exec(message);
  return match ? Number(match[1]) : undefined;
}
