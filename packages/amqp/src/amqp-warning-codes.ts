/*
 * The catalogue of the amqp driver's warning codes (WARREN_WRN_1NN, so they never collide with core's):
 * findings of its doctor checks and what it finds at runtime about amqplib. Codes are public API: add the
 * next number, never renumber. docs/errors.md lists them too. Who logs them lives elsewhere.
 */
import type { ErrorCodeSpec } from '@warren/core';

/** Warning codes of the amqp driver with meaning and fix; docs/errors.md lists the same. */
export const AMQP_WARNING_CODES = {
  WARREN_WRN_101: {
    meaning: 'A job timeout is longer than RabbitMQ\'s consumer_timeout (amqp.consumer_timeout, 30m by default): the broker closes the channel before the job can finish.',
    hint: 'Lower the job timeout below consumer_timeout, or raise consumer_timeout in rabbitmq.conf and amqp.consumer_timeout alike.',
    retryable: false,
  },
  WARREN_WRN_102: {
    meaning: 'The installed amqplib is not the version @warren/amqp was proved against, or its private internals differ: the publish fast path and/or the straggler-frame guard are off (publishes go through ConfirmChannel.publish; a frame RabbitMQ sends on a channel it just closed closes the whole connection). The log line names what differed.',
    hint: 'Install the exact amqplib version @warren/amqp depends on (look for an override, a resolution or a second copy of amqplib in your lockfile).',
    retryable: false,
  },
  WARREN_WRN_103: {
    meaning: 'The durable outbox file ended in a torn or corrupt record (a crash or power loss mid-write, a bad disk block): the good records before it were replayed, the rest was moved aside to outbox.log.bad-<time> in the same directory.',
    hint: 'Nothing to do for the replayed dispatches. The moved-aside bytes held at most the dispatches written last before the crash; inspect or delete the file.',
    retryable: false,
  },
  WARREN_WRN_104: {
    meaning: 'A dispatch kept in the durable outbox (its dispatch already resolved) was refused by the broker when it was sent (e.g. no write permission on the queue, a delay queue that cannot be declared): it was dropped, and its record removed.',
    hint: 'Fix what the log line\'s error says (permissions, max_message_size), then re-dispatch the job id it names.',
    retryable: false,
  },
  WARREN_WRN_105: {
    meaning: 'Another live process holds the durable outbox at amqp.outbox.path (its lock file names it), e.g. a `warren push`, `status` or `dlq` beside the worker with the same config: this process keeps its outbox in memory only.',
    hint: 'Nothing to do for a short CLI command. For two long-running processes on one host, give each its own amqp.outbox.path (e.g. ${OUTBOX_PATH} per instance).',
    retryable: false,
  },
  WARREN_WRN_106: {
    meaning: 'A delay queue Q.delay.<ms> exists with the other queue type than the pipeline\'s delay_queue_type (typically a classic one left by a Warren from before quorum delay queues): it is used as it is. While it is classic, a retry or delayed dispatch that expires in it while the broker shuts down is dropped by RabbitMQ (classic dead-lettering is at-most-once).',
    hint: 'Nothing breaks. To have it re-declared with delay_queue_type, delete it when it is empty (rabbitmqctl delete_queue <name> --if-empty): the next delayed publish declares it anew.',
    retryable: false,
  },
  WARREN_WRN_110: {
    meaning: 'A pipeline uses a classic queue while amqp.urls lists several nodes (a cluster): a classic queue lives on one node, and while that node is down the pipeline can neither take nor deliver jobs (/ready turns false for it).',
    hint: 'Use queue_type: quorum for the pipeline: quorum queues are replicated and keep working while a minority of the nodes is down. (An existing classic queue must be drained and deleted first.)',
    retryable: false,
  },
  WARREN_WRN_111: {
    meaning: 'amqp.tls is set but no URL in amqp.urls is amqps://, so it is never used.',
    hint: 'Write the URLs as amqps://host:5671 (the broker\'s TLS port), or remove amqp.tls.',
    retryable: false,
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** Every warning code the amqp driver emits. */
export type AmqpWarningCode = keyof typeof AMQP_WARNING_CODES;
