import { describe, expect, it } from 'vitest';
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
const isLegal = (from: PublisherState, to: PublisherState) => LEGAL.some(([f, t]) => f === from && t === to);
const ALL_PAIRS = STATES.flatMap((from) => STATES.map((to) => [from, to] as [PublisherState, PublisherState]));

describe('PUBLISHER_TRANSITIONS', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(canPublisherTransition(from, to)).toBe(true);
  });

  it.each(ALL_PAIRS.filter(([from, to]) => !isLegal(from, to)))('forbids %s → %s', (from, to) => {
    expect(canPublisherTransition(from, to)).toBe(false);
  });

  it('has an entry for every state and makes closed terminal', () => {
    expect(Object.keys(PUBLISHER_TRANSITIONS).sort()).toEqual([...STATES].sort());
    expect(PUBLISHER_TRANSITIONS.closed).toEqual([]);
  });
});
