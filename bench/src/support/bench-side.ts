/*
 * BenchSide: what every measured client offers the scenarios: publish one payload (resolving on
 * the broker's confirm), start its no-op consumer, close. Implementations: plain amqplib (bare, or
 * with Warren's wire format), amqp-connection-manager, Warren on amqp, Warren on the memory driver, BullMQ. Shared settings
 * live in SideSettings.
 */
import type { BenchPayload } from './bench-payload.js';

export type SideName = 'amqplib' | 'amqplib-wire' | 'acm' | 'warren' | 'bullmq' | 'memory' | 'warren-otel' | 'memory-otel';

/** How each side is titled in tables. */
export const SIDE_TITLES: Readonly<Record<SideName, string>> = {
  amqplib: 'amqplib',
  'amqplib-wire': 'amqplib (same wire format)',
  acm: 'amqp-connection-manager',
  warren: 'warren',
  bullmq: 'bullmq',
  memory: 'memory',
  'warren-otel': 'warren, traced',
  'memory-otel': 'memory, traced',
};

export interface SideSettings {
  readonly amqpUrl: string;
  readonly redisUrl: string;
  /** Queue (or BullMQ queue) name, unique per run and measurement. */
  readonly queue: string;
  readonly prefetch: number;
  readonly concurrency: number;
}

export interface BenchSide {
  readonly name: SideName;
  /** Resolves once the broker confirmed (BullMQ: once Redis stored) the job. */
  publish(payload: BenchPayload): Promise<void>;
  /** Subscribes the no-op handler; resolves once it is consuming. */
  startConsumer(): Promise<void>;
  /** Stops consuming, closes connections and deletes the queue(s) this side created. */
  close(): Promise<void>;
}

export type SideFactory = (settings: SideSettings) => Promise<BenchSide>;
