import { describe, expect, it } from 'vitest';
import { forbiddenMoves } from '../../fakes/forbidden-moves.js';
import { CONSUMER_TRANSITIONS, canConsumerTransition, type ConsumerState } from '../../../src/consumer/consumer-state.js';

const STATES: ConsumerState[] = ['waiting', 'subscribing', 'consuming', 'paused', 'cancelled'];

// Every legal move, spelled out: a change to the table must change this list too.
const LEGAL: Array<[ConsumerState, ConsumerState]> = [
  ['waiting', 'subscribing'], ['waiting', 'paused'], ['waiting', 'cancelled'],
  ['subscribing', 'consuming'], ['subscribing', 'waiting'], ['subscribing', 'paused'], ['subscribing', 'cancelled'],
  ['consuming', 'waiting'], ['consuming', 'subscribing'], ['consuming', 'paused'], ['consuming', 'cancelled'],
  ['paused', 'subscribing'], ['paused', 'waiting'], ['paused', 'cancelled'],
];

describe('CONSUMER_TRANSITIONS', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(canConsumerTransition(from, to)).toBe(true);
  });

  it.each(forbiddenMoves(STATES, LEGAL))('forbids %s → %s', (from, to) => {
    expect(canConsumerTransition(from, to)).toBe(false);
  });

  it('has an entry for every state and makes cancelled terminal', () => {
    expect(Object.keys(CONSUMER_TRANSITIONS).sort()).toEqual([...STATES].sort());
    expect(CONSUMER_TRANSITIONS.cancelled).toEqual([]);
  });
});
