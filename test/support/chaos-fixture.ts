/*
 * ChaosFixture: one AMQP driver on uniquely named queues, a ledger, a recording consumer and a
 * steady producer, plus the driver's state history; everything a chaos test needs around the fault
 * it injects. dispose() closes the driver, stops producing and deletes the queues it created.
 */
import { randomUUID } from 'node:crypto';
import { createTestDriver, type RawAmqpSection } from './amqp-test-driver.js';
import { deleteQueuesWithPrefix } from './broker-control.js';
import { chaosMessage } from './chaos-message.js';
import { JobLedger } from './job-ledger.js';
import { LogCapture } from './log-capture.js';
import { SteadyProducer } from './steady-producer.js';
import type { Consumer, Delivery, Driver, DriverState } from './warren-packages.js';

export interface ChaosFixtureOptions {
  /** Short test label, part of queue and connection names (e.g. 'a-forced'). */
  readonly label: string;
  /** The raw `amqp:` section; fast test defaults are filled in (2s heartbeat, short redial schedule). */
  readonly section?: RawAmqpSection;
  /** Extra pipelines besides the main one (each gets its own queue). */
  readonly extraPipelines?: readonly string[];
  /** Whether to call driver.start() (default true). */
  readonly start?: boolean;
}

/** Redial fast in tests: restarts here take about a second. */
export const FAST_REDIAL = { schedule: ['50ms', '100ms', '250ms', '500ms'], jitter: 0 } as const;

export class ChaosFixture {
  readonly ledger: JobLedger;
  readonly logs = new LogCapture();
  readonly states: Array<{ from: DriverState; to: DriverState; atMs: number; cause?: unknown }> = [];
  readonly errors: unknown[] = [];
  readonly driver: Driver;
  readonly consumers: Consumer[] = [];
  readonly producers: SteadyProducer[] = [];
  #disposed = false;

  private constructor(
    readonly label: string,
    readonly pipeline: string,
    readonly queuePrefix: string,
    readonly connectionName: string,
    options: ChaosFixtureOptions,
  ) {
    this.ledger = new JobLedger(label);
    const pipelines = [pipeline, ...(options.extraPipelines ?? [])];
    this.driver = createTestDriver({
      section: {
        heartbeat: '2s',
        redial: FAST_REDIAL,
        connect_timeout: '2s',
        watchdog_interval: '500ms',
        ...options.section,
        connection_name: connectionName,
      },
      pipelines: pipelines.map((name) => ({ name, queue: this.queueOf(name), prefetch: 20, concurrency: 20 })),
      logger: this.logs.logger,
    });
    this.driver.events.on('driver:state', ({ from, to, cause }) => this.states.push({ from, to, cause, atMs: Date.now() }));
    this.driver.events.on('error', ({ error }) => this.errors.push(error));
  }

  static async create(options: ChaosFixtureOptions): Promise<ChaosFixture> {
    const suffix = randomUUID().slice(0, 8);
    const queuePrefix = `chaos-${options.label}-${suffix}`;
    const fixture = new ChaosFixture(options.label, 'main', queuePrefix, `warren-chaos-${options.label}-${suffix}`, options);
    if (options.start !== false) await fixture.driver.start();
    return fixture;
  }

  /** Queue of a pipeline: unique per fixture, so tests never see each other's messages. */
  queueOf(pipeline: string): string {
    return `${this.queuePrefix}.${pipeline}`;
  }

  /** Subscribes a consumer that records each delivery in the ledger, then acks it on the next tick. */
  async consume(pipeline = this.pipeline, options: { prefetch?: number; onDelivery?: (d: Delivery) => void } = {}): Promise<Consumer> {
    const consumer = await this.driver.consume(pipeline, {
      prefetch: options.prefetch ?? 20,
      onDelivery: (delivery) => {
        options.onDelivery?.(delivery);
        const id = delivery.properties.messageId;
        if (id !== undefined) this.ledger.handled(id);
        // A little asynchrony, as a real handler has: the ack may race a connection loss.
        setImmediate(() => delivery.ack());
      },
    });
    this.consumers.push(consumer);
    return consumer;
  }

  /** Starts dispatching `total` jobs, one every `intervalMs`, to `pipeline`. */
  produce(options: { total: number; intervalMs: number; pipeline?: string }): SteadyProducer {
    const pipeline = options.pipeline ?? this.pipeline;
    const producer = new SteadyProducer({
      ledger: this.ledger,
      total: options.total,
      intervalMs: options.intervalMs,
      idOf: () => randomUUID(),
      publish: (id, sequence) => this.driver.publish(pipeline, chaosMessage({ sequence }, { id })),
    });
    this.producers.push(producer);
    return producer.start();
  }

  /** Resolves when the driver reaches `to` (at once if it is there now); rejects after `timeoutMs`. */
  async waitForState(to: DriverState, options: { timeoutMs: number; after?: number }): Promise<void> {
    const since = options.after ?? 0;
    const reached = () => this.states.some((s) => s.to === to && s.atMs >= since) || (since === 0 && this.driver.status().state === to);
    if (reached()) return;
    await new Promise<void>((resolve, reject) => {
      const off = this.driver.events.on('driver:state', () => {
        if (!reached()) return;
        clearTimeout(timer);
        off();
        resolve();
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`[chaos ${this.label}] driver did not reach "${to}" within ${options.timeoutMs}ms; ${this.describe()}`));
      }, options.timeoutMs);
    });
  }

  /** What happened, for failure messages: states, errors, ledger numbers and the last log lines. */
  describe(): string {
    const states = this.states.map((s) => `${s.from}->${s.to}`).join(', ');
    return `states: [${states}] now=${this.driver.status().state} gauges=${JSON.stringify(this.driver.status().gauges)}; ` +
      `errors: ${this.errors.map(String).join(' | ') || 'none'}; ${this.ledger.summary()}\n--- last driver logs ---\n${this.logs.lines.filter((line) => !line.includes('amqp publisher state')).slice(-40).join('\n')}`;
  }

  /** Stops producers, closes the driver and deletes this fixture's queues. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const producer of this.producers) producer.stop();
    const failures: unknown[] = [];
    try {
      await this.driver.close({ timeoutMs: 5_000 });
    } catch (error) {
      failures.push(error);
    }
    try {
      await deleteQueuesWithPrefix(this.queuePrefix);
    } catch (error) {
      failures.push(error);
    }
    if (failures.length > 0) throw new AggregateError(failures, `[chaos ${this.label}] cleanup failed`);
  }
}
