import { describe, expect, it } from 'vitest';
import { forbiddenMoves } from '../../fakes/forbidden-moves.js';
import { CONNECTION_TRANSITIONS, canTransition, toDriverState, type ConnectionState } from '../../../src/connection/connection-state.js';

const STATES: ConnectionState[] = ['idle', 'connecting', 'connected', 'ready', 'blocked', 'reconnecting', 'closing', 'closed', 'failed'];

// Every legal move, spelled out: a change to the table must change this list too.
const LEGAL: Array<[ConnectionState, ConnectionState]> = [
  ['idle', 'connecting'], ['idle', 'closing'],
  ['connecting', 'connected'], ['connecting', 'reconnecting'], ['connecting', 'failed'], ['connecting', 'closing'],
  ['connected', 'ready'], ['connected', 'reconnecting'], ['connected', 'failed'], ['connected', 'closing'],
  ['ready', 'blocked'], ['ready', 'reconnecting'], ['ready', 'closing'],
  ['blocked', 'ready'], ['blocked', 'reconnecting'], ['blocked', 'closing'],
  ['reconnecting', 'connected'], ['reconnecting', 'failed'], ['reconnecting', 'closing'],
  ['closing', 'closed'],
];

describe('CONNECTION_TRANSITIONS', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(forbiddenMoves(STATES, LEGAL))('forbids %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('has an entry for every state and makes closed and failed terminal', () => {
    expect(Object.keys(CONNECTION_TRANSITIONS).sort()).toEqual([...STATES].sort());
    expect(CONNECTION_TRANSITIONS.closed).toEqual([]);
    expect(CONNECTION_TRANSITIONS.failed).toEqual([]);
  });

  it('never reaches failed from a state that was ready (only before the first connection, or from reconnecting on timeout)', () => {
    expect(canTransition('ready', 'failed')).toBe(false);
    expect(canTransition('blocked', 'failed')).toBe(false);
  });
});

describe('toDriverState', () => {
  it.each([
    ['idle', 'idle'], ['connecting', 'connecting'], ['connected', 'connecting'], ['ready', 'ready'], ['blocked', 'blocked'],
    ['reconnecting', 'reconnecting'], ['closing', 'closing'], ['closed', 'closed'], ['failed', 'failed'],
  ] as const)('maps %s to %s', (state, driverState) => {
    expect(toDriverState(state)).toBe(driverState);
  });
});
