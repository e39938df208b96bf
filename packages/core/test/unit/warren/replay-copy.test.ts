import { describe, expect, it } from 'vitest';
import type { WireMessage } from '../../../src/driver/wire-message.js';
import { createReplayCopy } from '../../../src/warren/replay-copy.js';

function deadLetter(headers: WireMessage['properties']['headers']): WireMessage {
  return {
    body: Buffer.from('{"a":1}'),
    properties: { messageId: 'm-1', type: 't', timestampMs: 5, contentType: 'application/json', contentEncoding: 'utf-8', headers },
  };
}

describe('createReplayCopy', () => {
  it.each([
    ['a failed job', { 'x-warren-attempt': 3, 'x-warren-dead-reason': 'attempts-exhausted', 'x-warren-error': 'Error: x', 'x-warren-failed-at': 'then', tenant: 'acme' }],
    ['a message whose headers a driver dropped', { 'x-warren-attempt': 1, 'x-warren-dead-reason': 'undecodable', 'x-warren-headers-dropped': 'nested too deep', tenant: 'acme' }],
  ])('puts back %s with attempt 1, the dead-letter headers removed and the rest kept', (_title, headers) => {
    const copy = createReplayCopy(deadLetter(headers));
    expect(copy.properties.headers).toEqual({ 'x-warren-attempt': 1, tenant: 'acme' });
    expect(copy.body.toString()).toBe('{"a":1}');
    expect(copy.properties.messageId).toBe('m-1');
  });
});
