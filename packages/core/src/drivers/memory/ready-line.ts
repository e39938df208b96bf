/*
 * ReadyLine: the ready messages of one MemoryQueue, highest priority first, FIFO within a priority.
 * Taking from the front moves a head index instead of Array#shift (which copies a long array), and
 * a requeue at the very front reuses the freed slot. Knows nothing of consumers or acks.
 */

/** What the line needs of an entry: its priority (higher is delivered first). */
export interface Prioritized {
  readonly priority: number;
}

/** Freed head slots are compacted away once there are this many and they are over half the array. */
const COMPACT_MIN_HEAD = 1024;

/** A priority-ordered line with O(1) take-first and O(1) append for the common equal-priority case. */
export class ReadyLine<T extends Prioritized> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Adds `item` behind every entry of equal or higher priority. */
  pushBack(item: T): void {
    const tail = this.#items[this.#items.length - 1];
    // Sorted highest first: when the tail's priority is >= ours (the usual case), ours goes last.
    if (this.length === 0 || (tail as T).priority >= item.priority) {
      this.#items.push(item);
      return;
    }
    this.#insertAt(this.#firstIndex((other) => other.priority < item.priority), item);
  }

  /** Adds `item` ahead of every entry of equal or lower priority (a requeue goes back to the head of its band). */
  pushFront(item: T): void {
    this.#insertAt(this.#firstIndex((other) => other.priority <= item.priority), item);
  }

  /** Removes and returns the first entry, or undefined when the line is empty. */
  takeFirst(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_MIN_HEAD && this.#head * 2 >= this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Absolute index of the first live entry matching `test`, or the end of the array. */
  #firstIndex(test: (other: T) => boolean): number {
    for (let index = this.#head; index < this.#items.length; index += 1) {
      if (test(this.#items[index] as T)) return index;
    }
    return this.#items.length;
  }

  #insertAt(index: number, item: T): void {
    if (index === this.#head && this.#head > 0) {
      this.#head -= 1;
      this.#items[this.#head] = item;
    } else {
      this.#items.splice(index, 0, item);
    }
  }
}
