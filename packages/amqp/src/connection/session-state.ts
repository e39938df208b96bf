/*
 * The lifecycle of one ConnectionSession (one successful dial) and its legal moves (SESSION_TRANSITIONS). Pure.
 *
 *   settingUp  dialed; the driver is rebuilding on it: topology, publisher, consumers.   → live, lost, closed
 *   live       set up; the connection manager is ready on it.                              → lost, closed
 *   lost       the connection went (broker close, socket error, heartbeat, setup failed).  Terminal: signal aborted.
 *   closed     close() let it go on purpose.                                                Terminal: signal aborted.
 * A session never comes back: the next dial is a new session with the next generation.
 */

export type SessionState = 'settingUp' | 'live' | 'lost' | 'closed';

/** Legal moves: from → the states it may go to. Anything else is a bug (WARREN_ERR_AMQP_CONN_ILLEGAL_STATE). */
export const SESSION_TRANSITIONS: Readonly<Record<SessionState, readonly SessionState[]>> = {
  settingUp: ['live', 'lost', 'closed'],
  live: ['lost', 'closed'],
  lost: [],
  closed: [],
};

/** Whether `from → to` is a legal move. */
export function canSessionTransition(from: SessionState, to: SessionState): boolean {
  return SESSION_TRANSITIONS[from].includes(to);
}

/** Whether work of a session in `state` may still act (its signal is not aborted). */
export function isSessionActive(state: SessionState): boolean {
  return state === 'settingUp' || state === 'live';
}
