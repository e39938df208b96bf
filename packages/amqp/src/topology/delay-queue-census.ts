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

  /** Remembers which delay queues of `queue` exist after a check (expired ones are forgotten). */
  record(queue: string, existing: ReadonlyArray<{ readonly queue: string }>): void {
    this.#found.set(queue, new Set(existing.map((entry) => entry.queue)));
  }
}

/** The delay of a delay queue of `queue` from its name (`Q.delay.<ms>`), or undefined for another name. */
export function delayOfQueue(queue: string, delayQueue: string): number | undefined {
  const prefix = `${queue}.delay.`;
  if (!delayQueue.startsWith(prefix)) return undefined;
  const delayMs = Number(delayQueue.slice(prefix.length));
  return Number.isInteger(delayMs) && delayMs > 0 ? delayMs : undefined;
}
