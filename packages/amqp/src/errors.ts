/*
 * The catalogue of AMQP-area error codes (AMQP_CONN, AMQP_TOPOLOGY, AMQP_PUBLISH, AMQP_CONSUME, BREAKER)
 * and a typed constructor for them. Registered with core on import of @warren/amqp (index.ts).
 * docs/errors.md lists the same codes. Message wording belongs to the throw sites.
 */
import { WarrenError, type ErrorCodeSpec, type WarrenErrorOptions } from '@warren/core';

export const AMQP_ERROR_CODES = {
  WARREN_ERR_AMQP_CONN_TIMEOUT: {
    meaning: 'The driver stayed disconnected longer than amqp.redial.timeout and gave up; the process should exit.',
    hint: 'Check that RabbitMQ is up and reachable at amqp.urls; raise amqp.redial.timeout or set it to 0 to redial forever.',
    retryable: false,
  },
  WARREN_ERR_AMQP_CONN_REJECTED: {
    meaning: 'RabbitMQ refused the connection (ACCESS_REFUSED 403: bad credentials or no vhost permission).',
    hint: 'Fix the user/password in amqp.urls, or grant the user permissions on the vhost (rabbitmqctl set_permissions).',
    retryable: false,
  },
  WARREN_ERR_AMQP_CONN_UNAVAILABLE: {
    meaning: 'A connection attempt to RabbitMQ failed (refused, reset, timed out, broker shutting down); the driver redials.',
    hint: 'Check that RabbitMQ is running and reachable at amqp.urls; the driver keeps redialing on amqp.redial.schedule.',
    retryable: true,
  },
  WARREN_ERR_AMQP_CONN_ILLEGAL_STATE: {
    meaning: 'The AMQP connection manager was asked for a state change its state machine does not allow.',
    hint: 'This is a bug in @warren/amqp; please report it with the log lines around it.',
    retryable: false,
  },
  WARREN_ERR_AMQP_CONN_INVALID: {
    meaning: 'A broker URL does not parse (e.g. a raw \'#\', \'/\', \'?\' or \'@\' in its password); config loading refuses it, and a driver built without that check logs this and goes on without the reachability probe.',
    hint: 'Percent-encode reserved characters in the user name, password and vhost of amqp.urls (# as %23, / as %2F, ? as %3F, @ as %40).',
    retryable: false,
  },
  WARREN_ERR_AMQP_CONN_TLS: {
    meaning: 'The TLS handshake with RabbitMQ failed (amqps:// URL): its certificate is not trusted, does not name the host, or it requires a client certificate; or an amqp.tls file cannot be read or its key decrypted. Before the first successful connection the driver gives up at once; after it, it keeps redialing.',
    hint: 'Set amqp.tls.ca to the CA that signed the broker certificate; amqp.tls.cert and amqp.tls.key (and passphrase) when the broker requires a client certificate; amqp.tls.servername when the URL host is not in the certificate. `warren doctor --connect` tries it.',
    retryable: false,
  },
  WARREN_ERR_AMQP_CONN_CLOSED: {
    meaning: 'The AMQP driver is closed (or failed) and cannot take this operation.',
    hint: 'Create a new Warren instance; do not use a driver after close().',
    retryable: false,
  },
  WARREN_ERR_AMQP_TOPOLOGY_MISMATCH: {
    meaning: 'A queue exists with arguments that differ from the config (RabbitMQ PRECONDITION_FAILED 406 on declare), e.g. a Q declared before Warren made Q dead-letter to Q.dlq.',
    hint: 'Delete the queue (rabbitmqctl delete_queue <name>; move its messages to another queue first, they are lost otherwise) and let warren run declare it, or change the pipeline options to match it.',
    retryable: false,
  },
  WARREN_ERR_AMQP_TOPOLOGY_NOT_FOUND: {
    meaning: 'A queue of the pipeline does not exist on the broker.',
    hint: 'Start a worker: warren run declares the topology (`warren doctor --connect` lists the missing queues without creating them).',
    retryable: true,
  },
  WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE: {
    meaning: 'Declaring the topology failed for a reason other than a mismatch (channel or connection lost).',
    hint: 'Usually transient; the driver re-declares after the next reconnect.',
    retryable: true,
  },
  WARREN_ERR_AMQP_PUBLISH_NACKED: {
    meaning: 'RabbitMQ nacked a publish four times: it could not store the message (e.g. a queue limit). A nack is first answered by re-sending on a fresh channel, 3 times over ~1.75 s, because RabbitMQ also nacks publishes in flight while a quorum queue elects a new leader.',
    hint: 'Check the broker logs and queue limits (x-max-length with reject-publish); retry the dispatch.',
    retryable: true,
  },
  WARREN_ERR_AMQP_PUBLISH_UNROUTABLE: {
    meaning: 'A publish was returned as unroutable: the target queue does not exist, or (on a cluster) the node that holds the classic queue is down; it was re-declared and re-sent up to 3 times first.',
    hint: 'Check that the pipeline queue exists (a worker declares it on start) and was not deleted; on a cluster, use queue_type: quorum so that a queue survives the loss of a node.',
    retryable: true,
  },
  WARREN_ERR_AMQP_PUBLISH_TIMEOUT: {
    meaning: 'RabbitMQ did not confirm a publish within amqp.publish_timeout.',
    hint: 'The broker may be overloaded or blocked (memory/disk alarm); raise amqp.publish_timeout or check the broker.',
    retryable: true,
  },
  WARREN_ERR_AMQP_PUBLISH_CLOSED: {
    meaning: 'The driver closed before a buffered or unconfirmed publish could be confirmed.',
    hint: 'Give close() a longer timeout (jobs.shutdown_timeout) so the outbox can flush; dispatch again.',
    retryable: true,
  },
  WARREN_ERR_AMQP_PUBLISH_UNAVAILABLE: {
    meaning: 'Opening the publish (confirm) channel failed; publishes wait in the outbox while it is reopened on the channel retry schedule.',
    hint: 'Usually transient; if it persists, check the broker logs (channel_max, resource limits).',
    retryable: true,
  },
  WARREN_ERR_AMQP_PUBLISH_TOO_LARGE: {
    meaning: 'The message body is larger than amqp.max_payload (refused before sending) or than the broker\'s max_message_size (RabbitMQ closed the channel with 406); only this dispatch is rejected.',
    hint: 'Send less (store large data elsewhere and pass a reference), or raise amqp.max_payload together with RabbitMQ\'s max_message_size.',
    retryable: false,
  },
  WARREN_ERR_AMQP_PUBLISH_REJECTED: {
    meaning: 'RabbitMQ refused this publish by closing the channel: 403 (the user may not write to the vhost), or the same message was unconfirmed on three channels that died of errors.',
    hint: 'Grant the user write permission (rabbitmqctl set_permissions); otherwise see the reply text in the error details.',
    retryable: false,
  },
  WARREN_ERR_AMQP_PUBLISH_INVALID: {
    meaning: 'A message could not be encoded as an AMQP publish (e.g. a property over 255 bytes, a header value AMQP cannot carry); nothing was sent.',
    hint: 'Shorten the job name, id or header names (at most 255 bytes) and pass header values as strings, numbers or booleans.',
    retryable: false,
  },
  WARREN_ERR_AMQP_PUBLISH_DELAY_TOO_LONG: {
    meaning: 'A publish asked for a delay longer than 7 days, the top step of the delay ladder (dispatch and @Job already refuse such delays); nothing was sent.',
    hint: 'Keep work due later than 7 days in your database and dispatch it when it is due within 7 days.',
    retryable: false,
  },
  WARREN_ERR_AMQP_PUBLISH_ILLEGAL_STATE: {
    meaning: 'The publisher was asked for a state change its state machine does not allow.',
    hint: 'This is a bug in @warren/amqp; please report it with the log lines around it.',
    retryable: false,
  },
  WARREN_ERR_AMQP_PUBLISH_OUTBOX_UNAVAILABLE: {
    meaning: 'The durable outbox (amqp.outbox.path) cannot be opened or written: no permission, a full disk, a path that is not a directory.',
    hint: 'Point amqp.outbox.path at a writable directory on a local disk with free space.',
    retryable: false,
  },
  WARREN_ERR_AMQP_CONSUME_UNAVAILABLE: {
    meaning: 'Subscribing to a pipeline queue failed; the driver retries on the next reconnect or watchdog tick.',
    hint: 'Usually transient; check the broker logs if it persists.',
    retryable: true,
  },
  WARREN_ERR_AMQP_CONSUME_CLOSED: {
    meaning: 'A consumer was requested from a driver that is closing or closed.',
    hint: 'Consume before closing the driver.',
    retryable: false,
  },
  WARREN_ERR_AMQP_CONSUME_ILLEGAL_STATE: {
    meaning: 'A pipeline consumer was asked for a state change its state machine does not allow.',
    hint: 'This is a bug in @warren/amqp; please report it with the log lines around it.',
    retryable: false,
  },
  WARREN_ERR_BREAKER_OPEN: {
    meaning: 'The broker circuit breaker is open after too many failures; publishes are buffered in the outbox.',
    hint: 'Wait for amqp.breaker.reset_timeout; check the broker if it keeps opening.',
    retryable: true,
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** Every code that @warren/amqp throws. */
export type AmqpErrorCode = keyof typeof AMQP_ERROR_CODES;

/** Creates a WarrenError with an AMQP-area code (so the code is type-checked against the catalogue). */
export function amqpError(code: AmqpErrorCode, message: string, options: WarrenErrorOptions = {}): WarrenError<AmqpErrorCode> {
  return new WarrenError(code, message, options);
}
