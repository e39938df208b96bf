/*
 * MemoryDriver: the embedded Driver. Everything lives in this process: per-pipeline queues with
 * priority, delayed publishes on owned timers, prefetch per consumer, requeue and a dead-letter store.
 * Nothing survives the process; use it for development, tests and single-process apps.
 */
import type { Logger } from 'pino';
import type { Consumer, ConsumeOptions, Driver, DriverEventMap, DriverStatus, PipelineStats, PublishOptions } from '../../driver/driver.js';
import type { WireMessage } from '../../driver/wire-message.js';
import { WarrenError } from '../../errors/warren-error.js';
import { TypedEmitter } from '../../events/typed-emitter.js';
import { TimerSet } from '../../worker/timer-set.js';
import { copyWireMessage } from './copy-wire-message.js';
import { MemoryConsumer } from './memory-consumer.js';
import type { MemoryDriverOptions } from './memory-driver-options.js';
import { MEMORY_DRIVER_TRANSITIONS, type MemoryDriverState } from './memory-driver-state.js';
import { MemoryQueue } from './memory-queue.js';
import type { MessagingTarget } from '../../tracing/messaging-target.js';

/** The in-process Driver: queues, delays, prefetch, requeue and dead letters, nothing durable. */
export class MemoryDriver implements Driver {
  readonly name = 'memory';
  readonly events = new TypedEmitter<DriverEventMap>();
  #state: MemoryDriverState = 'idle';
  readonly #logger: Logger | undefined;
  readonly #timers = new TimerSet();
  readonly #queues = new Map<string, MemoryQueue>();
  /** pipeline → queue name; undefined means pipelines are created on first use. */
  readonly #queueNames: Map<string, string> | undefined;
  #closed: Promise<void> | undefined;

  constructor(options: MemoryDriverOptions = {}) {
    this.#logger = options.logger;
    if (options.pipelines) {
      this.#queueNames = new Map(options.pipelines.map((pipeline) => [pipeline.name, pipeline.options?.queue ?? pipeline.name]));
    }
  }

  get state(): MemoryDriverState {
    return this.#state;
  }

  /** Traces name the in-process queue; `messaging.system` is not a broker's, so it says what it is. */
  messagingTarget(pipeline: string): MessagingTarget {
    return { system: 'warren-memory', destination: this.#queueNames?.get(pipeline) ?? pipeline };
  }

  /** Starts delivering; a second call is a no-op. */
  async start(): Promise<void> {
    this.#assertOpen('start');
    if (this.#state !== 'idle') return;
    this.#transition('ready', 'start() called');
    for (const queue of this.#queues.values()) queue.schedulePump();
  }

  async publish(pipeline: string, message: WireMessage, options: PublishOptions = {}): Promise<void> {
    this.#assertOpen('publish');
    const queue = this.#queueOf(pipeline);
    const delayMs = options.delayMs ?? 0;
    if (delayMs <= 0) {
      queue.enqueue(message);
      return;
    }
    const copy = copyWireMessage(message);
    queue.delayed += 1;
    this.#timers.schedule(delayMs, () => {
      queue.delayed -= 1;
      queue.enqueue(copy);
    });
  }

  async deadLetter(pipeline: string, message: WireMessage): Promise<void> {
    this.#assertOpen('deadLetter');
    this.#queueOf(pipeline).addDeadLetter(message);
  }

  async consume(pipeline: string, options: ConsumeOptions): Promise<Consumer> {
    this.#assertOpen('consume');
    const queue = this.#queueOf(pipeline);
    const consumer = new MemoryConsumer(pipeline, queue, options, () => this.#state === 'ready');
    queue.addConsumer(consumer);
    return consumer;
  }

  status(): DriverStatus {
    const queues = [...this.#queues.values()];
    const sum = (count: (queue: MemoryQueue) => number) => queues.reduce((total, queue) => total + count(queue), 0);
    return {
      driver: this.name,
      state: this.#state,
      gauges: {
        queues: queues.length,
        ready: sum((queue) => queue.readyCount),
        unacked: sum((queue) => queue.unackedCount),
        delayed: sum((queue) => queue.delayed),
        deadLettered: sum((queue) => queue.deadLetterCount),
      },
    };
  }

  async inspect(pipeline: string): Promise<PipelineStats> {
    this.#assertOpen('inspect');
    const queue = this.#queueOf(pipeline);
    return {
      pipeline,
      ready: queue.readyCount,
      unacked: queue.unackedCount,
      consumers: queue.consumerCount,
      delayed: queue.delayed,
      deadLettered: queue.deadLetterCount,
    };
  }

  async peekDeadLetters(pipeline: string, limit: number): Promise<WireMessage[]> {
    this.#assertOpen('peekDeadLetters');
    return this.#queueOf(pipeline).peekDeadLetters(limit);
  }

  async replayDeadLetters(pipeline: string, transform: (message: WireMessage) => WireMessage, limit = Number.POSITIVE_INFINITY): Promise<number> {
    this.#assertOpen('replayDeadLetters');
    const queue = this.#queueOf(pipeline);
    // Transform everything before removing anything: a throwing transform must not lose dead letters.
    const replays = queue.peekDeadLetters(limit).map(transform);
    queue.takeDeadLetters(replays.length);
    for (const message of replays) queue.enqueue(message);
    return replays.length;
  }

  async purgeDeadLetters(pipeline: string): Promise<number> {
    this.#assertOpen('purgeDeadLetters');
    return this.#queueOf(pipeline).purgeDeadLetters();
  }

  /** Cancels delayed publishes; consumers stop receiving and later settlements are ignored. Stored messages are dropped. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#transition('closing', 'close() called');
      this.#timers.cancelAll();
      this.#transition('closed', 'closed');
    })();
    return this.#closed;
  }

  #queueOf(pipeline: string): MemoryQueue {
    const queueName = this.#queueNames ? this.#queueNames.get(pipeline) : pipeline;
    if (queueName === undefined) {
      throw new WarrenError('WARREN_ERR_DRIVER_NOT_FOUND_PIPELINE', `the memory driver has no pipeline "${pipeline}" (known: ${[...(this.#queueNames?.keys() ?? [])].join(', ')})`, {
        details: { driver: this.name, pipeline },
      });
    }
    let queue = this.#queues.get(queueName);
    if (!queue) {
      queue = new MemoryQueue(queueName, () => this.#state === 'ready');
      this.#queues.set(queueName, queue);
    }
    return queue;
  }

  #assertOpen(call: string): void {
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new WarrenError('WARREN_ERR_DRIVER_CLOSED', `memory driver: ${call}() after close()`, { details: { driver: this.name, call } });
    }
  }

  #transition(to: MemoryDriverState, reason: string): void {
    const from = this.#state;
    if (!MEMORY_DRIVER_TRANSITIONS[from].includes(to)) {
      throw new WarrenError('WARREN_ERR_DRIVER_ILLEGAL_STATE', `memory driver cannot move from ${from} to ${to} (${reason})`);
    }
    this.#state = to;
    this.#logger?.debug({ driver: this.name, from, to, reason }, 'driver state');
    this.events.emit('driver:state', { driver: this.name, from, to, cause: reason });
  }
}
