import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONSUMPTION_BREAKER_TRANSITIONS, canBreakerTransition, type ConsumptionBreakerState } from '../../../src/breaker/breaker-state.js';
import { ConsumptionBreaker, type BreakerTransition } from '../../../src/breaker/consumption-breaker.js';
import { breakerFailureKind } from '../../../src/breaker/failure-kind.js';
import { Transient } from '../../../src/errors/transient.js';
import { Unrecoverable } from '../../../src/errors/unrecoverable.js';
import { WarrenError } from '../../../src/errors/warren-error.js';
import { TimerSet } from '../../../src/worker/timer-set.js';
import '../../../src/index.js'; // registers the error catalogue (retryable flags)

const STATES: ConsumptionBreakerState[] = ['closed', 'open', 'halfOpen'];
const LEGAL = new Set(['closed>open', 'open>halfOpen', 'halfOpen>closed', 'halfOpen>open']);

describe('CONSUMPTION_BREAKER_TRANSITIONS', () => {
  const table = STATES.flatMap((from) => STATES.map((to) => [from, to, LEGAL.has(`${from}>${to}`)] as const));
  it.each(table)('%s → %s legal: %s', (from, to, isLegal) => {
    expect(canBreakerTransition(from, to)).toBe(isLegal);
  });

  it('lists every state', () => {
    expect(Object.keys(CONSUMPTION_BREAKER_TRANSITIONS).sort()).toEqual([...STATES].sort());
  });
});

describe('breakerFailureKind', () => {
  it.each([
    ['Transient', new Transient('db down'), 'transient-failure'],
    ['a retryable WarrenError (job timeout)', new WarrenError('WARREN_ERR_JOB_TIMEOUT', 'slow'), 'transient-failure'],
    ['any error with retryable: true', Object.assign(new Error('ECONNREFUSED'), { retryable: true }), 'transient-failure'],
    ['Unrecoverable', new Unrecoverable('no such customer'), 'other-failure'],
    ['a plain Error', new Error('bug'), 'other-failure'],
    ['a thrown string', 'oops', 'other-failure'],
  ])('%s counts as %s', (_name, error, kind) => {
    expect(breakerFailureKind(error)).toBe(kind);
  });
});

describe('ConsumptionBreaker', () => {
  let timers: TimerSet;
  let moves: BreakerTransition[];
  let nowMs: number;

  beforeEach(() => {
    vi.useFakeTimers();
    timers = new TimerSet();
    moves = [];
    nowMs = 1_000_000;
  });

  afterEach(() => {
    timers.close();
    vi.useRealTimers();
  });

  function create(): ConsumptionBreaker {
    return new ConsumptionBreaker({
      failureRate: 0.5, minJobs: 4, windowMs: 10_000, pauseMs: 1_000, maxPauseMs: 3_000,
      subject: 'pipeline "t"', timers, now: () => nowMs, onTransition: (move) => moves.push(move),
    });
  }

  function advance(ms: number): void {
    nowMs += ms;
    vi.advanceTimersByTime(ms);
  }

  it('stays closed below min_jobs and below the rate; opens when the window reaches both', () => {
    const breaker = create();
    for (const outcome of ['transient-failure', 'transient-failure', 'transient-failure'] as const) breaker.record({}, outcome);
    expect(breaker.state).toBe('closed'); // 3 < min_jobs
    breaker.record({}, 'success');
    expect(breaker.state).toBe('open'); // 3 of 4 = 75 %
    expect(moves[0]).toMatchObject({ from: 'closed', to: 'open', failureRate: 0.75, pauseMs: 1_000 });
  });

  it('never counts failures that say nothing about a dependency', () => {
    const breaker = create();
    for (let i = 0; i < 10; i++) breaker.record({}, 'other-failure');
    breaker.record({}, 'success');
    expect(breaker.state).toBe('closed');
  });

  it('forgets outcomes older than the window', () => {
    const breaker = create();
    breaker.record({}, 'transient-failure');
    breaker.record({}, 'transient-failure');
    advance(10_001);
    breaker.record({}, 'transient-failure');
    breaker.record({}, 'success');
    expect(breaker.state).toBe('closed'); // only 2 attempts in the window
  });

  it('admits nothing while open, exactly one trial when half-open, and closes on its success', () => {
    const breaker = create();
    for (let i = 0; i < 4; i++) breaker.record({}, 'transient-failure');
    expect(breaker.admit({})).toBe(false);
    advance(999);
    expect(breaker.state).toBe('open');
    expect(breaker.remainingPauseMs()).toBe(1);
    advance(1);
    expect(breaker.state).toBe('halfOpen');
    const trial = {};
    expect(breaker.admit(trial)).toBe(true);
    expect(breaker.admit({})).toBe(false);
    breaker.record({}, 'success'); // not the trial: an attempt from before the breaker opened
    expect(breaker.state).toBe('halfOpen');
    breaker.record(trial, 'success');
    expect(breaker.state).toBe('closed');
    expect(breaker.admit({})).toBe(true);
    expect(moves.map((move) => move.to)).toEqual(['open', 'halfOpen', 'closed']);
  });

  it('opens again after a failed trial with the pause doubled up to max_pause, and back to pause once closed', () => {
    const breaker = create();
    for (let i = 0; i < 4; i++) breaker.record({}, 'transient-failure');
    const pauses: number[] = [];
    for (let round = 0; round < 3; round++) {
      advance(breaker.nextPauseMs);
      const trial = {};
      breaker.admit(trial);
      breaker.record(trial, 'transient-failure');
      pauses.push(moves.at(-1)?.pauseMs ?? -1);
    }
    expect(pauses).toEqual([2_000, 3_000, 3_000]);
    advance(3_000);
    const trial = {};
    breaker.admit(trial);
    breaker.record(trial, 'success');
    expect(breaker.nextPauseMs).toBe(1_000);
  });

  it('lets another trial start when the trial ends without an outcome', () => {
    const breaker = create();
    for (let i = 0; i < 4; i++) breaker.record({}, 'transient-failure');
    advance(1_000);
    const lost = {};
    breaker.admit(lost);
    breaker.release(lost);
    expect(breaker.admit({})).toBe(true);
  });

  it('cancels its pause timer on close()', () => {
    const breaker = create();
    for (let i = 0; i < 4; i++) breaker.record({}, 'transient-failure');
    breaker.close();
    advance(5_000);
    expect(breaker.state).toBe('open');
  });
});
