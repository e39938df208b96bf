/*
 * DelayQueueCensus: which delay queues (Q.delay.<ms>) of a pipeline to count in inspect(). A process knows the
 * ones it declared itself; a scan checks every step of the delay ladder and is remembered, so an operator process
 * (`warren dashboard`, `warren status`) sees other processes' delay queues between scans. No I/O: the driver checks.
 */
import { DELAY_LADDER_MS } from './delay-ladder.js';
import { delayQueueName } from './queue-names.js';

export class DelayQueueCensus {
  readonly #found = new Map<string, Set<string>>();

  /** The delay queues of `queue` to check: every ladder step when scanning, else the known and remembered ones. */
  candidates(queue: string, declaredHere: readonly string[], isScan: boolean): string[] {
    if (isScan) return DELAY_LADDER_MS.map((delayMs) => delayQueueName(queue, delayMs));
    return [...new Set([...declaredHere, ...(this.#found.get(queue) ?? [])])];
  }

  /**
   * Remembers which of the `checked` delay queues of `queue` exist (expired ones are forgotten). Only what was checked
   * changes, so a quick inspect that overlaps a scan does not undo what the scan found.
   */
  record(queue: string, checked: readonly string[], existing: ReadonlyArray<{ readonly queue: string }>): void {
    const found = this.#found.get(queue) ?? new Set<string>();
    for (const name of checked) found.delete(name);
    for (const entry of existing) found.add(entry.queue);
    this.#found.set(queue, found);
  }
}

/** The delay of a delay queue of `queue` from its name (`Q.delay.<ms>`), or undefined for another name. */
export function delayOfQueue(queue: string, delayQueue: string): number | undefined {
  const prefix = `${queue}.delay.`;
  if (!delayQueue.startsWith(prefix)) return undefined;
  const delayMs = Number(delayQueue.slice(prefix.length));
  return Number.isInteger(delayMs) && delayMs > 0 ? delayMs : undefined;
}
