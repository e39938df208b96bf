/*
 * JobLedger: the bookkeeping of a chaos test. It records every job id handed to publish, how each
 * publish settled, and every time a consumer handled an id; it reports lost and duplicated jobs and
 * lets a test wait for "all handled" on events (every record wakes the waiters), never on sleeps.
 */

export interface LedgerReport {
  /** Publishes that resolved (the driver promised durability). */
  readonly confirmed: number;
  /** Publishes not settled yet. */
  readonly pending: number;
  /** Publishes that rejected, with the error of each. */
  readonly rejected: ReadonlyArray<{ id: string; error: unknown }>;
  /** Distinct ids handled at least once. */
  readonly handledDistinct: number;
  /** Every handling, duplicates included. */
  readonly handledTotal: number;
  /** Confirmed but never handled: the promise broken. */
  readonly lost: readonly string[];
  /** Handled more than once (allowed: at-least-once), with counts. */
  readonly duplicates: ReadonlyArray<{ id: string; count: number }>;
  /** Handled ids that were never handed to publish (foreign or corrupted messages). */
  readonly unexpected: readonly string[];
}

type Waiter = () => void;

export class JobLedger {
  readonly #pending = new Set<string>();
  readonly #confirmed = new Set<string>();
  readonly #rejected = new Map<string, unknown>();
  readonly #handled = new Map<string, number>();
  readonly #waiters = new Set<Waiter>();
  /** Confirmed and not handled yet; kept incrementally so waiters stay O(1). */
  readonly #awaitingHandling = new Set<string>();
  #handledTotal = 0;

  constructor(readonly label: string) {}

  /** A publish of `id` was started. */
  dispatching(id: string): void {
    this.#pending.add(id);
    this.#notify();
  }

  /** The publish of `id` resolved. */
  confirmed(id: string): void {
    this.#pending.delete(id);
    this.#confirmed.add(id);
    if (!this.#handled.has(id)) this.#awaitingHandling.add(id);
    this.#notify();
  }

  /** The publish of `id` rejected; the caller was told, so the job is not counted as lost. */
  rejected(id: string, error: unknown): void {
    this.#pending.delete(id);
    this.#rejected.set(id, error);
    this.#notify();
  }

  /** A consumer handled `id` (called once per delivery handled, duplicates included). */
  handled(id: string): void {
    this.#handled.set(id, (this.#handled.get(id) ?? 0) + 1);
    this.#handledTotal += 1;
    this.#awaitingHandling.delete(id);
    this.#notify();
  }

  get dispatchedCount(): number {
    return this.#pending.size + this.#confirmed.size + this.#rejected.size;
  }

  get handledDistinct(): number {
    return this.#handled.size;
  }

  /** Ids whose publish resolved so far (a snapshot). */
  confirmedIds(): Set<string> {
    return new Set(this.#confirmed);
  }

  /** No publish is still waiting to settle. */
  get isSettled(): boolean {
    return this.#pending.size === 0;
  }

  timesHandled(id: string): number {
    return this.#handled.get(id) ?? 0;
  }

  report(): LedgerReport {
    const known = (id: string) => this.#pending.has(id) || this.#confirmed.has(id) || this.#rejected.has(id);
    return {
      confirmed: this.#confirmed.size,
      pending: this.#pending.size,
      rejected: [...this.#rejected].map(([id, error]) => ({ id, error })),
      handledDistinct: this.#handled.size,
      handledTotal: this.#handledTotal,
      lost: [...this.#confirmed].filter((id) => !this.#handled.has(id)),
      duplicates: [...this.#handled].filter(([, count]) => count > 1).map(([id, count]) => ({ id, count })),
      unexpected: [...this.#handled.keys()].filter((id) => !known(id)),
    };
  }

  /** One line for logs: the numbers a reader of a chaos run wants. */
  summary(): string {
    const r = this.report();
    return (
      `[chaos ${this.label}] dispatched=${this.dispatchedCount} confirmed=${r.confirmed} pending=${r.pending} ` +
      `rejected=${r.rejected.length} handled=${r.handledDistinct} (total ${r.handledTotal}) lost=${r.lost.length} ` +
      `duplicates=${r.duplicates.length} unexpected=${r.unexpected.length}`
    );
  }

  /** Resolves once `predicate(report)` holds; rejects after `timeoutMs` with the ledger summary. */
  waitUntil(predicate: (ledger: this) => boolean, options: { timeoutMs: number; what?: string }): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = () => {
        if (!predicate(this)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${options.timeoutMs}ms waiting until ${options.what ?? 'condition'}; ${this.summary()}`));
      }, options.timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
    });
  }

  /** Resolves once at least `count` distinct ids were handled. */
  waitUntilHandled(count: number, options: { timeoutMs: number }): Promise<void> {
    return this.waitUntil((l) => l.handledDistinct >= count, { ...options, what: `${count} jobs handled` });
  }

  /**
   * Resolves with the report once every publish settled and every confirmed id was handled
   * (`expectedCount`, when given, must also have been dispatched). Rejects on timeout with the lost ids.
   */
  async waitUntilAllHandled(options: { timeoutMs: number; expectedCount?: number }): Promise<LedgerReport> {
    const done = (l: JobLedger) =>
      (options.expectedCount === undefined || l.dispatchedCount >= options.expectedCount) &&
      l.#pending.size === 0 &&
      l.#awaitingHandling.size === 0;
    try {
      await this.waitUntil(done, { timeoutMs: options.timeoutMs, what: 'all jobs handled' });
    } catch (error) {
      const lost = this.report().lost;
      throw new Error(`${(error as Error).message}; first lost ids: ${lost.slice(0, 10).join(', ')}`, { cause: error });
    }
    return this.report();
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
