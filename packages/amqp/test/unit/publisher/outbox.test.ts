import { describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/publisher/outbox.js';

describe('Outbox', () => {
  it('hands items back in the order they were pushed', () => {
    const outbox = new Outbox<number>(10);
    for (const item of [1, 2, 3]) expect(outbox.push(item)).toBe(true);
    expect([outbox.shift(), outbox.shift(), outbox.shift(), outbox.shift()]).toEqual([1, 2, 3, undefined]);
  });

  it('refuses a push when full and keeps what it had', () => {
    const outbox = new Outbox<string>(2);
    expect([outbox.push('a'), outbox.push('b'), outbox.push('c')]).toEqual([true, true, false]);
    expect(outbox.isFull).toBe(true);
    expect(outbox.drain()).toEqual(['a', 'b']);
  });

  it('with max 0 buffers nothing', () => {
    const outbox = new Outbox<number>(0);
    expect(outbox.push(1)).toBe(false);
    expect(outbox.size).toBe(0);
  });

  it('requeues unconfirmed items ahead of later ones, in their order, even beyond the bound', () => {
    const outbox = new Outbox<number>(2);
    outbox.push(3);
    outbox.push(4);
    outbox.requeueFront([1, 2]);
    expect(outbox.size).toBe(4);
    expect(outbox.drain()).toEqual([1, 2, 3, 4]);
  });

  it('keeps order across many pushes and shifts (compaction)', () => {
    const outbox = new Outbox<number>(100_000);
    const out: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      outbox.push(i);
      if (i % 3 === 0) out.push(outbox.shift() as number);
    }
    out.push(...outbox.drain());
    expect(out).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
  });

  it('peeks without removing', () => {
    const outbox = new Outbox<number>(5);
    outbox.push(7);
    expect(outbox.peek()).toBe(7);
    expect(outbox.size).toBe(1);
  });
});
