import { describe, expect, it } from 'vitest';
import { deadLetterQueueName, delayQueueArguments, delayQueueName, mainQueueArguments } from '../../../src/topology/queue-names.js';
import { declareError } from '../../../src/topology/topology-declarer.js';

const base = { pipeline: 'p', queue: 'emails', prefetch: 10, maxPriority: undefined };

describe('queue names and arguments', () => {
  it('names Q.dlq and Q.delay.<ms>', () => {
    expect(deadLetterQueueName('emails')).toBe('emails.dlq');
    expect(delayQueueName('emails', 1500)).toBe('emails.delay.1500');
  });

  const toDlq = { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'emails.dlq' };
  it.each([
    [{ ...base, queueType: 'classic' as const }, { 'x-queue-type': 'classic', ...toDlq }],
    [{ ...base, queueType: 'classic' as const, maxPriority: 10 }, { 'x-queue-type': 'classic', ...toDlq, 'x-max-priority': 10 }],
    [{ ...base, queueType: 'classic' as const, deliveryLimit: 20 }, { 'x-queue-type': 'classic', ...toDlq }],
    [{ ...base, queueType: 'quorum' as const, maxPriority: 10 }, { 'x-queue-type': 'quorum', ...toDlq }],
    [{ ...base, queueType: 'quorum' as const, deliveryLimit: 20 }, { 'x-queue-type': 'quorum', ...toDlq, 'x-delivery-limit': 20 }],
    [{ ...base, queueType: 'quorum' as const, deliveryLimit: 0 }, { 'x-queue-type': 'quorum', ...toDlq, 'x-delivery-limit': 0 }],
  ])('declares Q with %j → %j (dead-lettering to Q.dlq, classic or quorum)', (options, args) => {
    expect(mainQueueArguments(options)).toEqual(args);
  });

  it('routes delay queues back to Q through the default exchange, expiring at least a minute after use', () => {
    expect(delayQueueArguments('emails', 5_000, 'classic')).toEqual({
      'x-message-ttl': 5_000, 'x-expires': 65_000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'emails',
    });
  });

  it('makes delay queues quorum queues that dead-letter at least once by default', () => {
    expect(delayQueueArguments('emails', 5_000)).toEqual({
      'x-message-ttl': 5_000, 'x-expires': 65_000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'emails',
      'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish',
    });
  });
});

describe('declareError', () => {
  it('turns a 406 into a topology mismatch naming the queue and the argument', () => {
    const cause = Object.assign(new Error(
      "Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message \"PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'emails' in vhost '/': received the value 'quorum' of type 'longstr' but current is none\"",
    ), { code: 406 });
    const error = declareError('emails', cause) as Error & { code: string; details: Record<string, unknown>; hint: string };
    expect(error.code).toBe('WARREN_ERR_AMQP_TOPOLOGY_MISMATCH');
    expect(error.message).toContain('"emails"');
    expect(error.message).toContain('x-queue-type');
    expect(error.details.argument).toBe('x-queue-type');
    expect(error.hint).toContain('delete_queue emails');
    expect(error.cause).toBe(cause);
  });

  it('tells how to re-create a Q declared without dead-lettering to Q.dlq (an older Warren)', () => {
    const cause = Object.assign(new Error(
      "Operation failed: QueueDeclare; 406 (PRECONDITION-FAILED) with message \"PRECONDITION_FAILED - inequivalent arg 'x-dead-letter-exchange' for queue 'emails' in vhost '/': received the value '' of type 'longstr' but current is none\"",
    ), { code: 406 });
    const error = declareError('emails', cause) as Error & { code: string; details: Record<string, unknown>; hint: string };
    expect(error.code).toBe('WARREN_ERR_AMQP_TOPOLOGY_MISMATCH');
    expect(error.message).toBe('queue "emails" exists with different arguments: x-dead-letter-exchange (config: the value \'\' of type \'longstr\', broker: none)');
    expect(error.hint).toContain('"emails" must dead-letter to "emails.dlq"');
    expect(error.hint).toContain('rabbitmqctl delete_queue emails');
    expect(error.hint).toContain('move its messages to a temporary queue first');
  });

  it.each([
    [404, 'WARREN_ERR_AMQP_TOPOLOGY_NOT_FOUND'],
    [undefined, 'WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE'],
  ])('maps reply code %s to %s', (code, expected) => {
    expect((declareError('q', Object.assign(new Error('x'), { code })) as Error & { code: string }).code).toBe(expected);
  });
});
