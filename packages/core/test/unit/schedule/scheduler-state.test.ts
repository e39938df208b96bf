import { describe, expect, it } from 'vitest';
import { SCHEDULER_TRANSITIONS, canSchedulerTransition, type SchedulerState } from '../../../src/schedule/scheduler-state.js';

const STATES: SchedulerState[] = ['idle', 'standby', 'leading', 'closed'];
const LEGAL: ReadonlyArray<readonly [SchedulerState, SchedulerState]> = [
  ['idle', 'standby'], ['idle', 'closed'],
  ['standby', 'leading'], ['standby', 'closed'],
  ['leading', 'standby'], ['leading', 'closed'],
];

describe('scheduler states', () => {
  it.each(STATES.flatMap((from) => STATES.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    expect(canSchedulerTransition(from, to)).toBe(LEGAL.some(([a, b]) => a === from && b === to));
  });

  it('lists every state in the table', () => {
    expect(Object.keys(SCHEDULER_TRANSITIONS).sort()).toEqual([...STATES].sort());
  });
});
