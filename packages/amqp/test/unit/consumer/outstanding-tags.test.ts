import { describe, expect, it } from 'vitest';
import { OutstandingTags } from '../../../src/consumer/outstanding-tags.js';

/** A Set in insertion order is the reference: same answers for add/delete/lowest/size. */
function check(tags: OutstandingTags, reference: Set<number>): void {
  expect(tags.size).toBe(reference.size);
  const [first] = reference;
  expect(tags.lowest()).toBe(first ?? Number.POSITIVE_INFINITY);
}

describe('OutstandingTags', () => {
  it.each([1, 2, 3, 4, 5])('matches a Set through growth, compaction and wrap-around (seed %i)', (seed) => {
    let state = seed;
    const random = (): number => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const tags = new OutstandingTags();
    const reference = new Set<number>();
    let next = 1;
    let maxHeld = 0;
    for (let step = 0; step < 20_000; step++) {
      const phase = Math.floor(step / 2_000) % 3; // fill up, drain, steady
      const addChance = phase === 0 ? 0.8 : phase === 1 ? 0.2 : 0.5;
      if (random() < addChance) {
        tags.add(next);
        reference.add(next);
        next += 1;
      } else {
        // Mostly the oldest (in-order completion), sometimes any outstanding, sometimes a tag already settled.
        const held = [...reference];
        const roll = random();
        const tag = roll < 0.1 ? Math.floor(random() * next) + 1 : roll < 0.6 ? held[0] : held[Math.floor(random() * held.length)];
        if (tag !== undefined) expect(tags.delete(tag), `delete ${tag}`).toBe(reference.delete(tag));
      }
      maxHeld = Math.max(maxHeld, reference.size);
      check(tags, reference);
    }
    expect(maxHeld).toBeGreaterThan(200); // the ring grew past its first size
  });

  it('a hung tag does not grow the ring with the thousands settled after it', () => {
    const tags = new OutstandingTags();
    tags.add(1);
    for (let tag = 2; tag <= 100_000; tag++) {
      tags.add(tag);
      expect(tags.delete(tag)).toBe(true);
    }
    expect([tags.size, tags.lowest(), tags.capacity]).toEqual([1, 1, 64]);
    expect(tags.delete(1)).toBe(true);
    expect([tags.size, tags.lowest()]).toEqual([0, Number.POSITIVE_INFINITY]);
  });

  it('switches to unordered on a tag not above the last one: the lowest is then unknown', () => {
    const tags = new OutstandingTags();
    tags.add(5);
    tags.add(6);
    tags.delete(5);
    tags.add(3);
    expect(tags.isOrdered).toBe(false);
    expect(tags.lowest()).toBeUndefined();
    expect([tags.size, tags.delete(6), tags.delete(3), tags.delete(3), tags.size]).toEqual([2, true, true, false, 0]);
  });
});
