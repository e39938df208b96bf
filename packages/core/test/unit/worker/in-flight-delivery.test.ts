import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../src/driver/driver.js';
import { isWarrenError } from '../../../src/errors/warren-error.js';
import { IN_FLIGHT_TRANSITIONS, InFlightDelivery, type InFlightState } from '../../../src/worker/in-flight-delivery.js';

const STATES: InFlightState[] = ['queued', 'running', 'settled', 'abandoned', 'lost'];
const LEGAL = new Set([
  'queued>running', 'queued>settled', 'queued>abandoned', 'queued>lost', 'running>settled', 'running>abandoned', 'running>lost',
]);

/** A delivery that records how the broker was told to settle it. */
function fakeDelivery() {
  const settlements: string[] = [];
  const delivery: Delivery = {
    body: Buffer.from('{}'), properties: { messageId: 'm-1', headers: {} }, redelivered: false,
    ack: () => settlements.push('ack'), requeue: () => settlements.push('requeue'),
  };
  return { delivery, settlements };
}

describe('IN_FLIGHT_TRANSITIONS', () => {
  const table = STATES.flatMap((from) => STATES.map((to) => [from, to, LEGAL.has(`${from}>${to}`)] as const));
  it.each(table)('%s → %s legal: %s', (from, to, isLegal) => {
    expect(IN_FLIGHT_TRANSITIONS[from].includes(to)).toBe(isLegal);
  });

  it('lists every state', () => {
    expect(Object.keys(IN_FLIGHT_TRANSITIONS).sort()).toEqual([...STATES].sort());
  });
});

describe('InFlightDelivery', () => {
  it.each([
    ['ack then requeue', (e: InFlightDelivery) => [e.ack(), e.requeue()], ['ack'], [true, false]],
    ['requeue then ack', (e: InFlightDelivery) => [e.requeue(), e.ack()], ['requeue'], [true, false]],
    ['ack twice', (e: InFlightDelivery) => [e.ack(), e.ack()], ['ack'], [true, false]],
    ['abandon then a late ack', (e: InFlightDelivery) => [e.abandon(new Error('stop')), e.ack()], ['requeue'], [undefined, false]],
    ['ack then abandon', (e: InFlightDelivery) => [e.ack(), e.abandon(new Error('stop'))], ['ack'], [true, undefined]],
    ['lost then a late ack', (e: InFlightDelivery) => [e.lose(new Error('channel closed')), e.ack(), e.requeue()], [], [undefined, false, false]],
  ] as const)('settles the broker message once: %s', (_title, act, settlements, results) => {
    const { delivery, settlements: seen } = fakeDelivery();
    const entry = new InFlightDelivery(delivery);
    entry.start();
    expect(act(entry)).toEqual(results);
    expect(seen).toEqual(settlements);
    expect(entry.isSettled).toBe(true);
  });

  it('aborts the attempt signal with the reason when abandoned', () => {
    const entry = new InFlightDelivery(fakeDelivery().delivery);
    entry.start();
    const reason = new Error('shutdown timeout');
    entry.abandon(reason);
    expect(entry.state).toBe('abandoned');
    expect(entry.controller.signal.reason).toBe(reason);
  });

  it('refuses to start twice with WARREN_ERR_WORKER_ILLEGAL_STATE', () => {
    const entry = new InFlightDelivery(fakeDelivery().delivery);
    entry.start();
    let caught: unknown;
    try {
      entry.start();
    } catch (error) {
      caught = error;
    }
    expect(isWarrenError(caught, 'WARREN_ERR_WORKER_ILLEGAL_STATE')).toBe(true);
  });
});
