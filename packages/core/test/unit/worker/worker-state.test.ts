import { describe, expect, it } from 'vitest';
import type { WorkerState } from '../../../src/events/warren-events.js';
import { WORKER_TRANSITIONS, canTransition } from '../../../src/worker/worker-state.js';

const STATES: WorkerState[] = ['initialized', 'running', 'stopping', 'draining', 'stopped', 'failed'];
const LEGAL = new Set(['initialized>running', 'running>stopping', 'running>failed', 'stopping>draining', 'draining>stopped']);

describe('WORKER_TRANSITIONS', () => {
  const table = STATES.flatMap((from) => STATES.map((to) => [from, to, LEGAL.has(`${from}>${to}`)] as const));
  it.each(table)('%s → %s legal: %s', (from, to, isLegal) => {
    expect(canTransition(from, to)).toBe(isLegal);
  });

  it('lists every state', () => {
    expect(Object.keys(WORKER_TRANSITIONS).sort()).toEqual([...STATES].sort());
  });
});
