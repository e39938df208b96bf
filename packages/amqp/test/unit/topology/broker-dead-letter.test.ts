import { describe, expect, it } from 'vitest';
import type { WireMessage } from '@warren/core';
import { latestBrokerDeath, withBrokerDeadReason } from '../../../src/topology/broker-dead-letter.js';

/** x-death as amqplib decodes it from RabbitMQ 3.10 (most recent death first). */
const DELIVERY_LIMIT = {
  count: 1, reason: 'delivery_limit', queue: 'emails', time: { '!': 'timestamp', value: 1_796_213_664 }, exchange: '', 'routing-keys': ['emails'],
};
const EXPIRED_FROM_DELAY = { count: 2, reason: 'expired', queue: 'emails.delay.1053', time: { '!': 'timestamp', value: 1_796_213_000 } };

function letter(headers: Record<string, unknown>): WireMessage {
  return {
    body: Buffer.from('{"a":1}'),
    properties: { messageId: 'm-1', type: 'emails.welcome', timestampMs: 0, contentType: 'application/json', contentEncoding: 'utf-8', headers: headers as never },
  };
}

describe('latestBrokerDeath', () => {
  it.each([
    ['a delivery limit, after a retry through a delay queue', { 'x-death': [DELIVERY_LIMIT, EXPIRED_FROM_DELAY] },
      { reason: 'delivery_limit', queue: 'emails', count: 1, atMs: 1_796_213_664_000 }],
    ['a TTL expiry with a Buffer reason and no time', { 'x-death': [{ reason: Buffer.from('expired'), queue: Buffer.from('emails'), count: 3 }] },
      { reason: 'expired', queue: 'emails', count: 3, atMs: undefined }],
    ['a time given as a Date and no count', { 'x-death': [{ reason: 'maxlen', queue: 'emails', time: new Date(5_000) }] },
      { reason: 'maxlen', queue: 'emails', count: 1, atMs: 5_000 }],
    ['a time beyond year 9999', { 'x-death': [{ reason: 'maxlen', queue: 'emails', time: { '!': 'timestamp', value: 1e15 } }] },
      { reason: 'maxlen', queue: 'emails', count: 1, atMs: undefined }],
  ])('reads %s', (_title, headers, expected) => {
    expect(latestBrokerDeath(headers)).toEqual(expected);
  });

  it.each([
    ['no headers', undefined],
    ['no x-death', { 'x-warren-dead-reason': 'unrecoverable' }],
    ['x-death kept as text by a Warren dead-letter copy', { 'x-death': JSON.stringify([DELIVERY_LIMIT]) }],
    ['an empty list', { 'x-death': [] }],
    ['a list of strings', { 'x-death': ['expired'] }],
    ['an entry without a reason', { 'x-death': [{ queue: 'emails', count: 1 }] }],
    ['an entry with an empty reason', { 'x-death': [{ reason: '', queue: 'emails' }] }],
  ])('finds no broker death in %s', (_title, headers) => {
    expect(latestBrokerDeath(headers)).toBeUndefined();
  });
});

describe('withBrokerDeadReason', () => {
  it('shows a broker dead letter as broker:<reason>, with where from and when', () => {
    const shown = withBrokerDeadReason(letter({ 'x-death': [DELIVERY_LIMIT], tenant: 'acme' }));
    expect(shown.properties.headers).toMatchObject({
      'x-warren-dead-reason': 'broker:delivery_limit',
      'x-warren-error': 'RabbitMQ dead-lettered it from "emails": delivery_limit (x-death count 1)',
      'x-warren-failed-at': new Date(1_796_213_664_000).toISOString(),
      tenant: 'acme',
    });
    expect(shown.body.toString()).toBe('{"a":1}');
    expect(shown.properties.messageId).toBe('m-1');
  });

  it('leaves Warren\'s own dead letters as they are', () => {
    const own = letter({ 'x-warren-dead-reason': 'attempts-exhausted', 'x-death': JSON.stringify([EXPIRED_FROM_DELAY]) });
    expect(withBrokerDeadReason(own)).toBe(own);
  });

  it('lets the broker\'s latest death win over Warren headers left from an earlier life (a replayed dead letter)', () => {
    const shown = withBrokerDeadReason(letter({ 'x-warren-dead-reason': 'unrecoverable', 'x-death': [DELIVERY_LIMIT] }));
    expect(shown.properties.headers['x-warren-dead-reason']).toBe('broker:delivery_limit');
  });
});
