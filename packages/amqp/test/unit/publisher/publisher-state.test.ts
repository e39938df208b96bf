import { describe, expect, it } from 'vitest';
import { forbiddenMoves } from '../../fakes/forbidden-moves.js';
import { PUBLISHER_TRANSITIONS, canPublisherTransition, type PublisherState } from '../../../src/publisher/publisher-state.js';

const STATES: PublisherState[] = ['detached', 'opening', 'open', 'flushing', 'writeBlocked', 'reopening', 'closed'];

// Every legal move, spelled out: a change to the table must change this list too.
const LEGAL: Array<[PublisherState, PublisherState]> = [
  ['detached', 'opening'], ['detached', 'closed'],
  ['opening', 'open'], ['opening', 'reopening'], ['opening', 'detached'], ['opening', 'closed'],
  ['open', 'flushing'], ['open', 'writeBlocked'], ['open', 'reopening'], ['open', 'detached'], ['open', 'closed'],
  ['flushing', 'open'], ['flushing', 'writeBlocked'], ['flushing', 'reopening'], ['flushing', 'detached'], ['flushing', 'closed'],
  ['writeBlocked', 'open'], ['writeBlocked', 'reopening'], ['writeBlocked', 'detached'], ['writeBlocked', 'closed'],
  ['reopening', 'opening'], ['reopening', 'detached'], ['reopening', 'closed'],
];

describe('PUBLISHER_TRANSITIONS', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(canPublisherTransition(from, to)).toBe(true);
  });

  it.each(forbiddenMoves(STATES, LEGAL))('forbids %s → %s', (from, to) => {
    expect(canPublisherTransition(from, to)).toBe(false);
  });

  it('has an entry for every state and makes closed terminal', () => {
    expect(Object.keys(PUBLISHER_TRANSITIONS).sort()).toEqual([...STATES].sort());
    expect(PUBLISHER_TRANSITIONS.closed).toEqual([]);
  });
});
