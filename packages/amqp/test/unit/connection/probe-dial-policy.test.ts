import { describe, expect, it } from 'vitest';
import { PROBE_DIALS_PER_OPENING, ProbeDialPolicy, type PortObservation } from '../../../src/connection/probe-dial-policy.js';

type Step = [label: string, kind: 'observe', observation: PortObservation, atMs: number, expected: boolean] | [label: string, kind: 'dial', isProbe: boolean, atMs: number];

/** Runs steps in order: `observe` checks the verdict; `dial` records a redial (probe-triggered or scheduled). */
function run(steps: Step[]): void {
  const policy = new ProbeDialPolicy();
  for (const step of steps) {
    if (step[1] === 'dial') policy.recordDial(step[3], step[2]);
    else expect(policy.observe(step[2], step[3]), step[0]).toBe(step[4]);
  }
}

describe('ProbeDialPolicy', () => {
  it.each<[string, Step[]]>([
    ['a closed port never triggers', [['closed', 'observe', 'closed', 0, false], ['still closed', 'observe', 'closed', 250, false]]],
    ['the first open after a loss triggers', [['open', 'observe', 'open', 0, true]]],
    ['an opening triggers right after a scheduled redial that was refused', [
      ['closed', 'observe', 'closed', 0, false], ['scheduled', 'dial', false, 100], ['opens', 'observe', 'open', 250, true],
    ]],
    ['still open: waits a second after any redial', [
      ['opens', 'observe', 'open', 0, true], ['probe dial', 'dial', true, 0], ['open 0.25s', 'observe', 'open', 250, false],
      ['open 0.75s', 'observe', 'open', 750, false], ['open 1s', 'observe', 'open', 1_000, true],
    ]],
    ['still open: a scheduled redial that just failed is not doubled', [
      ['opens', 'observe', 'open', 0, true], ['probe dial', 'dial', true, 0], ['scheduled', 'dial', false, 1_500],
      ['open 1.5s', 'observe', 'open', 1_500, false], ['open 2.25s', 'observe', 'open', 2_250, false], ['open 2.5s', 'observe', 'open', 2_500, true],
    ]],
    ['probe dials are a second apart even when the port flaps', [
      ['opens', 'observe', 'open', 0, true], ['probe dial', 'dial', true, 0], ['closes', 'observe', 'closed', 250, false],
      ['opens again', 'observe', 'open', 500, false], ['open 1s', 'observe', 'open', 1_000, true],
    ]],
  ])('%s', (_label, steps) => run(steps));

  it(`allows ${PROBE_DIALS_PER_OPENING} probe dials per opening, then a new opening gets a new allowance`, () => {
    const policy = new ProbeDialPolicy();
    let atMs = 0;
    for (let n = 0; n < PROBE_DIALS_PER_OPENING; n++, atMs += 1_000) {
      expect(policy.observe('open', atMs)).toBe(true);
      policy.recordDial(atMs, true);
    }
    expect(policy.observe('open', atMs)).toBe(false);
    expect(policy.observe('open', atMs + 60_000)).toBe(false); // a proxy that always accepts: the schedule alone from now
    expect(policy.observe('closed', atMs + 60_250)).toBe(false);
    expect(policy.observe('open', atMs + 60_500)).toBe(true);
  });

  it('starts afresh after reset()', () => {
    const policy = new ProbeDialPolicy();
    expect(policy.observe('open', 0)).toBe(true);
    policy.recordDial(0, true);
    policy.reset();
    expect(policy.observe('open', 10)).toBe(true);
  });
});
