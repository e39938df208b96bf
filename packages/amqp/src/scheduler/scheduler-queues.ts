/*
 * Names and declare arguments of the queues that elect a pipeline's scheduler and record its ticks (pure):
 *   Q.scheduler           single-active-consumer queue: the election (amqp-scheduler-lease.ts explains it).
 *   Q.scheduler.holder    one message (max-length 1, drop-head): who holds the scheduler, for `warren status`.
 *   Q.schedule.<job>      one message: the job of the schedule's last dispatched tick (its x-warren-tick header).
 */

/** Single-active-consumer queue whose token the scheduler holds. */
export function electionQueueName(queue: string): string {
  return `${queue}.scheduler`;
}

/** The queue holding the current holder's announcement. */
export function holderQueueName(queue: string): string {
  return `${queue}.scheduler.holder`;
}

/** The queue holding the last tick of `job`. */
export function tickQueueName(queue: string, job: string): string {
  return `${queue}.schedule.${job}`;
}

/**
 * Classic, durable, single active consumer: RabbitMQ delivers to one consumer only and, when its channel or
 * connection goes, hands the next consumer the messages the gone one held unacked — the token — at once.
 */
export const ELECTION_QUEUE_ARGUMENTS: Readonly<Record<string, unknown>> = { 'x-queue-type': 'classic', 'x-single-active-consumer': true };

/** A register of one value: each publish drops the message before it. */
export const LAST_VALUE_QUEUE_ARGUMENTS: Readonly<Record<string, unknown>> = { 'x-queue-type': 'classic', 'x-max-length': 1, 'x-overflow': 'drop-head' };
