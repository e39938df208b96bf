/*
 * OutstandingTags: the delivery tags of one channel not yet settled, for AckWindow. RabbitMQ numbers deliveries
 * 1, 2, 3... per channel, so they are kept ascending in a ring: a settled tag becomes a hole (its negative), the
 * head skips holes, and a full ring is compacted in place before it grows. No allocation per delivery — a Set
 * that gains and loses ~prefetch entries a second rebuilt its table every few hundred, and those tables lived
 * long enough to be promoted (bench/PERF-NOTES.md). Memory stays bounded by about twice the outstanding count,
 * also while one delivery hangs and thousands after it settle. A tag that is not above the last one (never
 * seen from RabbitMQ) switches to a plain Set for the rest of the channel's life.
 */

const INITIAL_CAPACITY = 64; // a power of two; doubles when more than half the slots hold outstanding tags

export class OutstandingTags {
  #ring: number[] = new Array<number>(INITIAL_CAPACITY).fill(0);
  #head = 0;
  /** Slots in use from #head, holes included. */
  #span = 0;
  #size = 0;
  #lastTag = 0;
  /** Set once a tag arrived out of order; then the ring is unused. */
  #unordered: Set<number> | undefined;

  /** Outstanding tags. */
  get size(): number {
    return this.#unordered?.size ?? this.#size;
  }

  /** Slots the ring holds (its memory bound). */
  get capacity(): number {
    return this.#ring.length;
  }

  /** False when tags have arrived out of order (the lowest is then unknown to a multiple ack). */
  get isOrdered(): boolean {
    return this.#unordered === undefined;
  }

  add(tag: number): void {
    if (this.#unordered || tag <= this.#lastTag) {
      this.#toUnordered().add(tag);
      return;
    }
    this.#lastTag = tag;
    if (this.#span === this.#ring.length) this.#makeRoom();
    this.#ring[(this.#head + this.#span) & (this.#ring.length - 1)] = tag;
    this.#span++;
    this.#size++;
  }

  /** Settles `tag`; false when it is not outstanding (never added, or settled already). */
  delete(tag: number): boolean {
    if (this.#unordered) return this.#unordered.delete(tag);
    const mask = this.#ring.length - 1;
    // Binary search by absolute value: holes keep their tag's place as its negative.
    let low = 0;
    let high = this.#span - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const slot = (this.#head + middle) & mask;
      const value = this.#ring[slot] as number;
      const stored = value < 0 ? -value : value;
      if (stored < tag) low = middle + 1;
      else if (stored > tag) high = middle - 1;
      else {
        if (value < 0) return false;
        this.#ring[slot] = -value;
        this.#size--;
        this.#skipHoles();
        return true;
      }
    }
    return false;
  }

  /** The lowest outstanding tag (Infinity when none); undefined when tags arrived out of order. */
  lowest(): number | undefined {
    if (this.#unordered) return undefined;
    return this.#span === 0 ? Number.POSITIVE_INFINITY : (this.#ring[this.#head] as number);
  }

  clear(): void {
    this.#head = 0;
    this.#span = 0;
    this.#size = 0;
    this.#unordered?.clear();
  }

  #skipHoles(): void {
    const mask = this.#ring.length - 1;
    while (this.#span > 0 && (this.#ring[this.#head] as number) < 0) {
      this.#head = (this.#head + 1) & mask;
      this.#span--;
    }
  }

  /** Full ring: drop the holes in place when at most half the slots are outstanding, else double it. */
  #makeRoom(): void {
    const ring = this.#ring;
    const mask = ring.length - 1;
    if (this.#size <= ring.length / 2) {
      let write = 0;
      for (let read = 0; read < this.#span; read++) {
        const value = ring[(this.#head + read) & mask] as number;
        if (value > 0) ring[(this.#head + write++) & mask] = value;
      }
      this.#span = write;
      return;
    }
    const grown = new Array<number>(ring.length * 2).fill(0);
    for (let i = 0; i < this.#span; i++) grown[i] = ring[(this.#head + i) & mask] as number;
    this.#ring = grown;
    this.#head = 0;
  }

  #toUnordered(): Set<number> {
    if (!this.#unordered) {
      const mask = this.#ring.length - 1;
      this.#unordered = new Set<number>();
      for (let i = 0; i < this.#span; i++) {
        const value = this.#ring[(this.#head + i) & mask] as number;
        if (value > 0) this.#unordered.add(value);
      }
    }
    return this.#unordered;
  }
}
