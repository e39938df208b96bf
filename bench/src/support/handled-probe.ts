/*
 * The one thing every no-op handler does: report "handler started for seq N" to whoever measures.
 * A module-level sink so the @Job class, the plain amqplib consumer and the BullMQ processor all
 * call the same function. No Warren imports (see bench-payload.ts).
 */
import { performance } from 'node:perf_hooks';
import type { BenchPayload } from './bench-payload.js';

export type HandledListener = (payload: BenchPayload, handledAtMs: number) => void;

let listener: HandledListener = () => {};

/** Called by every no-op handler as its first (and only) act. */
export function reportHandled(payload: BenchPayload): void {
  listener(payload, performance.now());
}

/** Routes handler reports to `next` (one measurement at a time per process). */
export function onHandled(next: HandledListener): void {
  listener = next;
}
