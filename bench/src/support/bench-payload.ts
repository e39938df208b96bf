/*
 * The job payload every side sends: a 200-byte JSON object carrying a sequence number and the
 * send time (performance.now() of this process). Deliberately imports nothing from Warren, so a
 * plain-amqplib child process does not load the framework.
 */
import { performance } from 'node:perf_hooks';

/** The body of every benchmark job. `pad` fills the JSON up to PAYLOAD_BYTES. */
export interface BenchPayload {
  readonly seq: number;
  readonly sentAtMs: number;
  readonly pad: string;
}

export const PAYLOAD_BYTES = 200;

/** A payload whose JSON encoding is exactly PAYLOAD_BYTES long. */
export function makePayload(seq: number, sentAtMs = performance.now()): BenchPayload {
  const rounded = Math.round(sentAtMs * 1000) / 1000;
  const bare = JSON.stringify({ seq, sentAtMs: rounded, pad: '' }).length;
  return { seq, sentAtMs: rounded, pad: 'x'.repeat(Math.max(0, PAYLOAD_BYTES - bare)) };
}
