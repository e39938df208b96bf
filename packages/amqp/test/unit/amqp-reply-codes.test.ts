import { describe, expect, it } from 'vitest';
import {
  REPLY_ACCESS_REFUSED, REPLY_CONNECTION_FORCED, REPLY_INTERNAL_ERROR, REPLY_NOT_ALLOWED, REPLY_NOT_FOUND, REPLY_PRECONDITION_FAILED,
  REPLY_RESOURCE_LOCKED, isFatalReplyCode, replyCodeOf,
} from '../../src/amqp-reply-codes.js';

describe('reply-code classification', () => {
  it.each([
    [REPLY_ACCESS_REFUSED, true],
    [REPLY_CONNECTION_FORCED, false],
    [REPLY_NOT_FOUND, false],
    [REPLY_RESOURCE_LOCKED, false],
    [REPLY_PRECONDITION_FAILED, false],
    [REPLY_NOT_ALLOWED, false],
    [REPLY_INTERNAL_ERROR, false],
    [undefined, false],
  ])('code %s is fatal before the first connection: %s', (code, fatal) => {
    expect(isFatalReplyCode(code)).toBe(fatal);
  });

  it('has the AMQP numbers', () => {
    expect([REPLY_CONNECTION_FORCED, REPLY_ACCESS_REFUSED, REPLY_NOT_FOUND, REPLY_RESOURCE_LOCKED, REPLY_PRECONDITION_FAILED, REPLY_NOT_ALLOWED, REPLY_INTERNAL_ERROR])
      .toEqual([320, 403, 404, 405, 406, 530, 541]);
  });
});

describe('replyCodeOf', () => {
  it.each([
    ['a channel close error with a numeric code', Object.assign(new Error('Channel closed by server: 406'), { code: 406 }), 406],
    ['a handshake refusal (no code field)', new Error('Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED"'), 403],
    ['a socket error with a string code', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), undefined],
    ['not an error', 'boom', undefined],
    ['null', null, undefined],
  ])('reads %s', (_label, error, code) => {
    expect(replyCodeOf(error)).toBe(code);
  });
});
