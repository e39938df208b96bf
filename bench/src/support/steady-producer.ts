/*
 * SteadyProducer: dispatches jobs at a fixed rate through a BenchSide (never waiting for one to
 * confirm before the next), and keeps the ledger the loss checks need: which sequence numbers were
 * confirmed, which were rejected and when. Used by the recovery and soak measurements.
 */
import { performance } from 'node:perf_hooks';
import { makePayload } from './bench-payload.js';
import type { BenchSide } from './bench-side.js';

const TICK_MS = 10;

export class SteadyProducer {
  readonly confirmed = new Set<number>();
  readonly rejections: Array<{ seq: number; atMs: number; error: string }> = [];
  #sent = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly side: BenchSide, private readonly ratePerSec: number) {}

  get sent(): number {
    return this.#sent;
  }

  get pending(): number {
    return this.#pending.size;
  }

  start(): void {
    const startMs = performance.now();
    this.#timer = setInterval(() => {
      // Catch up to the schedule, so a slow tick does not lower the rate.
      const due = Math.floor(((performance.now() - startMs) / 1000) * this.ratePerSec);
      while (this.#sent < due) this.#send(this.#sent++);
    }, TICK_MS);
  }

  /** Stops sending and waits for every dispatch to settle. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  rejectedBetween(fromMs: number, toMs: number): number {
    return this.rejections.filter((rejection) => rejection.atMs >= fromMs && rejection.atMs <= toMs).length;
  }

  #send(seq: number): void {
    const sending = this.side.publish(makePayload(seq)).then(
      () => void this.confirmed.add(seq),
      (error: unknown) => void this.rejections.push({ seq, atMs: performance.now(), error: String(error) }),
    );
    this.#pending.add(sending);
    void sending.finally(() => this.#pending.delete(sending)); // bookkeeping only; never rejects
  }
}
