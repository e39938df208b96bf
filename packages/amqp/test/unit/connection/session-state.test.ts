import { describe, expect, it } from 'vitest';
import { ConnectionSession } from '../../../src/connection/connection-session.js';
import { SESSION_TRANSITIONS, canSessionTransition, type SessionState } from '../../../src/connection/session-state.js';

const STATES = Object.keys(SESSION_TRANSITIONS) as SessionState[];
const LEGAL: ReadonlyArray<[SessionState, SessionState]> = [
  ['settingUp', 'live'], ['settingUp', 'lost'], ['settingUp', 'closed'], ['live', 'lost'], ['live', 'closed'],
];

describe('session lifecycle', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(canSessionTransition(from, to)).toBe(true);
  });

  const illegal = STATES.flatMap((from) => STATES.map((to): [SessionState, SessionState] => [from, to]))
    .filter(([from, to]) => !LEGAL.some(([f, t]) => f === from && t === to));
  it.each(illegal)('forbids %s → %s', (from, to) => {
    expect(canSessionTransition(from, to)).toBe(false);
  });

  it('aborts its signal once, with the first reason, and is inactive from then on', () => {
    const session = new ConnectionSession('consume', 7, {} as never);
    const reasons: unknown[] = [];
    session.signal.addEventListener('abort', () => reasons.push(session.signal.reason));
    expect(session.isActive).toBe(true);
    session.markLive();
    session.end('lost', 'CONNECTION_FORCED');
    session.end('closed', 'close() called');
    expect([session.state, session.isActive, reasons]).toEqual(['lost', false, ['CONNECTION_FORCED']]);
  });

  it('refuses to go live after it ended, with a coded error', () => {
    const session = new ConnectionSession('publish', 1, {} as never);
    session.end('closed', 'close() called');
    expect(() => session.markLive()).toThrow(expect.objectContaining({ code: 'WARREN_ERR_AMQP_CONN_ILLEGAL_STATE' }));
  });
});
