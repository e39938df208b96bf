/*
 * The catalogue of core warning codes (WARREN_WRN_NNN): config that works but is probably a mistake.
 * Codes are public API: add the next number, never renumber. docs/errors.md lists them too.
 */
import type { ErrorCodeSpec } from '../errors/warren-error.js';

/** Core warning codes (WARREN_WRN_NNN) with meaning and fix; docs/errors.md lists the same. */
export const CORE_WARNING_CODES = {
  WARREN_WRN_001: {
    meaning: 'A consumed pipeline has no job bound to it: its consumer would only dead-letter unknown jobs.',
    hint: 'Bind a @Job to the pipeline, or remove it from jobs.consume.',
    retryable: false,
  },
  WARREN_WRN_002: {
    meaning: 'A pipeline\'s prefetch is more than twice its concurrency: messages are held unacked while they wait for a free worker.',
    hint: 'Set options.prefetch close to concurrency (equal, or up to twice it).',
    retryable: false,
  },
  WARREN_WRN_003: {
    meaning: 'A driver section (e.g. `amqp:`) is configured but no pipeline uses that driver.',
    hint: 'Set `driver:` on the pipelines that should use it, or remove the section.',
    retryable: false,
  },
  WARREN_WRN_004: {
    meaning: 'A driver\'s own doctor check crashed; its findings are missing.',
    hint: 'Report it to the driver\'s maintainers; the rest of the checks still ran.',
    retryable: false,
  },
  WARREN_WRN_005: {
    meaning: 'A received message carried a Warren header or property of the wrong type or out of range (e.g. x-warren-attempt not a positive integer, a date beyond year 9999); it was treated as absent. Logged once per message, with its id and the field names.',
    hint: 'Fix the producer to follow docs/wire-format.md (x-warren-enqueued-at as ISO 8601 text, timestamp in seconds); the job itself still ran or was dead-lettered as usual.',
    retryable: false,
  },
  WARREN_WRN_006: {
    meaning: 'A job on a consumed pipeline has no timeout: a handler that never settles holds a worker slot for good and, on RabbitMQ, meets consumer_timeout (the job is redelivered to hang again).',
    hint: 'Give the job a timeout below consumer_timeout (@Job(name, { timeout: \'5m\' })) and honour ctx.signal in the handler.',
    retryable: false,
  },
} as const satisfies Record<string, ErrorCodeSpec>;

/** Every warning code core emits. */
export type CoreWarningCode = keyof typeof CORE_WARNING_CODES;
