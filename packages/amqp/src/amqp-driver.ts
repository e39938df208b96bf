/*
 * AmqpDriver: core's Driver on RabbitMQ. Composes two connections (driver-connections.ts: publish and consume, each
 * a redialing ConnectionManager yielding one session per dial), the breaker, a topology declarer per connection,
 * the publisher (confirms, outbox) and one consumer per pipeline. Each session is rebuilt by one setup path:
 * publish: declare topology → publisher channel; consume: declare topology → every consumer. Operator calls
 * (inspect, dead letters) live in dead-letter-ops.ts.
 */
import path from 'node:path';
import type { ChannelModel } from 'amqplib';
import {
  TimerSet, TypedEmitter, WarrenError, isWarrenError, redactUrl, type ConsumeOptions, type Consumer, type Driver, type DriverContext, type DriverEventMap,
  type DriverState, type DriverStatus, type InspectOptions, type Logger, type MessagingTarget, type OpenSchedulerLeaseOptions, type PipelineStats,
  type PublishOptions, type ScheduleInspection, type TopologyFinding, type WireMessage,
} from '@warren/core';
import type { AmqpSchedulerLease } from './scheduler/amqp-scheduler-lease.js';
import { SchedulerLeases, renewEveryMs } from './scheduler/scheduler-leases.js';
import { inspectSchedulerQueues } from './scheduler/inspect-scheduler-queues.js';
import { amqpError } from './errors.js';
import { parseAmqpSection, resolvePipelineOptions, stuckJobAfterMs, type AmqpPipelineOptions, type AmqpSection, type ResolvedPipelineOptions } from './amqp-options.js';
import { BrokerBreaker } from './breaker/broker-breaker.js';
import { closeOrDestroy, dialBroker } from './connection/broker-dialer.js';
import type { ConnectionManagerOptions } from './connection/connection-manager-options.js';
import type { ConnectionSession } from './connection/connection-session.js';
import { DriverConnections } from './connection/driver-connections.js';
import { PipelineConsumer } from './consumer/pipeline-consumer.js';
import { Publisher } from './publisher/publisher.js';
import { DurableOutbox } from './publisher/durable-outbox.js';
import { payloadTooLarge } from './publisher/publish-refusal.js';
import { TopologyDeclarer, delayTooLong } from './topology/topology-declarer.js';
import { DELAY_LADDER_TOP_MS } from './topology/delay-ladder.js';
import { DelayQueueCensus } from './topology/delay-queue-census.js';
import { deadLetterQueueName } from './topology/queue-names.js';
import { verifyPipelineTopology } from './topology/topology-verifier.js';
import { inspectQueues, peekDeadLetters, purgeDeadLetters, replayDeadLetters } from './dead-letter-ops.js';
import { settleWithin } from './settle-within.js';

export const AMQP_DRIVER_NAME = 'amqp';

/** What a close step waiting on the broker gets at least, even when the flush used up close()'s timeout. */
const CLOSE_GRACE_MS = 1_000;

/** Seams for unit tests (a fake broker, a fake port probe); not part of the public API. */
export type AmqpDriverInternals = Pick<ConnectionManagerOptions, 'dial' | 'probeCheck'>;

export class AmqpDriver implements Driver {
  readonly name = AMQP_DRIVER_NAME;
  readonly events = new TypedEmitter<DriverEventMap>();
  readonly section: AmqpSection;
  readonly #pipelines = new Map<string, ResolvedPipelineOptions>();
  readonly #consumers = new Set<PipelineConsumer>();
  /** Cancelled by their worker, whose draining jobs still ack on their channels: close() closes them, acks first. */
  readonly #cancelled = new Set<PipelineConsumer>();
  readonly #leases: SchedulerLeases;
  readonly #breaker: BrokerBreaker;
  /** Declares on the publish session (pipeline queues, delay queues, re-declares after an unroutable return). */
  readonly #publishDeclarer: TopologyDeclarer;
  /** Declares on the consume session (pipeline queues before consuming, watchdog counts). */
  readonly #consumeDeclarer = new TopologyDeclarer();
  readonly #delayCensus = new DelayQueueCensus();
  /** The consume session whose topology is declared: consumers may subscribe on it. */
  #declaredSession: ConnectionSession | undefined;
  readonly #publisher: Publisher;
  readonly #durable: DurableOutbox | undefined;
  readonly #connections: DriverConnections;
  readonly #timers = new TimerSet();
  readonly #log: Logger;
  readonly #dial: typeof dialBroker;
  #closing: Promise<void> | undefined;

  constructor(context: DriverContext<AmqpPipelineOptions, AmqpSection | undefined>, internals: AmqpDriverInternals = {}) {
    this.section = context.section ?? parseAmqpSection({});
    this.#log = context.logger.child({ driver: AMQP_DRIVER_NAME });
    this.#dial = internals.dial ?? dialBroker;
    this.#publishDeclarer = new TopologyDeclarer(this.#log);
    for (const pipeline of context.pipelines) {
      this.#pipelines.set(pipeline.name, resolvePipelineOptions(pipeline.name, pipeline.concurrency, pipeline.options));
    }
    this.#breaker = new BrokerBreaker(this.section.breaker);
    this.#breaker.events.on('breaker:state', ({ from, to }) => {
      this.#log[to === 'open' ? 'error' : 'info']({ event: 'amqp.breaker.state', from, to }, `amqp circuit breaker ${to}`);
    });
    const outbox = this.section.outbox;
    this.#durable = outbox.path === undefined ? undefined : new DurableOutbox({
      directory: path.resolve(context.file ? path.dirname(context.file) : process.cwd(), outbox.path),
      fsync: outbox.fsync, fsyncIntervalMs: outbox.fsyncIntervalMs, maxMessages: outbox.maxMessages, maxBytes: outbox.maxBytes, logger: this.#log,
    });
    this.#publisher = new Publisher({
      durable: this.#durable,
      publishTimeoutMs: this.section.publishTimeoutMs, maxMessages: this.section.outbox.maxMessages, isFastPath: this.section.isPublishFastPath,
      breaker: this.#breaker, declarer: this.#publishDeclarer, logger: this.#log, redeclare: (queue) => this.#redeclare(queue),
      isBrokerBlocked: () => this.#connections.publish.state === 'blocked',
    });
    this.#leases = new SchedulerLeases({
      logger: this.#log, renewEveryMs: renewEveryMs(this.section.consumerTimeoutMs), publish: (queue, message) => this.#publisher.publish(queue, message, 0),
    });
    this.#connections = new DriverConnections({
      ...internals, section: this.section, logger: this.#log, breaker: this.#breaker,
      setup: { publish: (session) => this.#setupPublishing(session), consume: (session) => this.#setupConsuming(session) },
    });
    this.#connections.events.on('connections:state', ({ from, to, cause }) => this.#onDriverState(from, to, cause));
    this.#connections.onEither('connection:state', ({ from }, role) => {
      if (role === 'publish' && from === 'blocked') this.#publisher.onBrokerUnblocked();
    });
    this.#connections.onEither('connection:fatal', ({ error }) => this.events.emit('error', { driver: this.name, error }));
  }

  /** For broker tests only: reach the live amqplib objects to provoke broker-side errors. Not a stable API. */
  readonly testHooks = {
    consumerChannel: (pipeline: string) => [...this.#consumers].find((consumer) => consumer.pipeline === pipeline)?.channel,
    connection: (role: 'publish' | 'consume' = 'consume') => this.#connections[role].model,
  };

  /** The two connections (publish, consume): their managers' finer states and events (ready, lost, retry, fatal). */
  get connections(): DriverConnections {
    return this.#connections;
  }

  /** Half of amqp.consumer_timeout (none when it is 0): the worker logs a job running that long as stuck. */
  get stuckJobAfterMs(): number | undefined {
    return stuckJobAfterMs(this.section);
  }

  /** Per pipeline: whether its consumer is subscribed right now (for /ready). */
  consumingByPipeline(): Record<string, boolean> {
    const result: Record<string, boolean> = {};
    for (const consumer of this.#consumers) result[consumer.pipeline] = (result[consumer.pipeline] ?? false) || consumer.isConsuming;
    return result;
  }

  async start(): Promise<void> {
    const replayed = this.#publisher.replayDurable();
    if (replayed > 0) this.#log.info({ event: 'amqp.outbox.replay', count: replayed }, `replaying ${replayed} dispatch(es) left in the durable outbox`);
    this.#timers.every(this.section.watchdogIntervalMs, () => this.#watchdog());
    await this.#connections.start();
  }

  /**
   * `warren doctor --connect`: dials the URLs in turn (no redials, no breaker), reports Q and Q.dlq of every
   * pipeline without declaring anything (topology-verifier.ts), and closes that connection. Owns one deadline
   * of `timeoutMs` for all of it: each URL gets an equal share of what is left, and checks still running at the
   * deadline have their connection destroyed. Rejects at once on a refused login; with every URL's reason when
   * none answered.
   */
  async verifyTopology(options: { timeoutMs: number }): Promise<readonly TopologyFinding[]> {
    const { urls, heartbeatMs, connectTimeoutMs, connectionName, tls } = this.section;
    const deadlineMs = Date.now() + options.timeoutMs;
    const failures: string[] = [];
    for (const [index, url] of urls.entries()) {
      const budgetMs = Math.floor((deadlineMs - Date.now()) / (urls.length - index));
      if (budgetMs <= 0) break;
      let model: ChannelModel;
      try {
        model = await this.#dial(url, { heartbeatMs, connectTimeoutMs: Math.min(connectTimeoutMs, budgetMs), connectionName, tls });
      } catch (error) {
        if (isWarrenError(error, 'WARREN_ERR_AMQP_CONN_REJECTED') || isWarrenError(error, 'WARREN_ERR_AMQP_CONN_TLS')) throw error;
        failures.push(error instanceof Error ? error.message : String(error)); // dial errors carry the redacted URL
        continue;
      }
      model.on('error', () => undefined); // a socket error while checking rejects the check in progress
      const checks = this.#verifyPipelines(model);
      checks.catch(() => undefined); // when the deadline wins, the destroyed connection rejects it
      const isSettled = await settleWithin(checks, deadlineMs);
      await closeOrDestroy(model, isSettled ? CLOSE_GRACE_MS : 0, !isSettled);
      if (isSettled) return checks;
      throw amqpError('WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE', `checking the queues at ${redactUrl(url)} did not finish within ${options.timeoutMs} ms`, {
        details: { url: redactUrl(url), timeoutMs: options.timeoutMs },
      });
    }
    throw amqpError('WARREN_ERR_AMQP_CONN_UNAVAILABLE', `no broker URL answered within ${options.timeoutMs} ms: ${failures.join('; ') || 'no time left to dial'}`, {
      details: { failures, timeoutMs: options.timeoutMs },
    });
  }

  async #verifyPipelines(model: ChannelModel): Promise<TopologyFinding[]> {
    const findings: TopologyFinding[] = [];
    for (const pipeline of this.#pipelines.values()) findings.push(...(await verifyPipelineTopology(model, pipeline)));
    return findings;
  }

  /** Traces name the pipeline's queue (the routing key on the default exchange). */
  messagingTarget(pipeline: string): MessagingTarget {
    return { system: 'rabbitmq', destination: this.#pipelines.get(pipeline)?.queue ?? pipeline };
  }

  publish(pipeline: string, message: WireMessage, options?: PublishOptions): Promise<void> {
    const resolved = this.#pipelines.get(pipeline);
    if (!resolved) return Promise.reject(unknownPipeline(pipeline));
    const delayMs = options?.delayMs ?? 0;
    // Refused here, not in the outbox: a publish no delay queue can take would block the ones behind it.
    if (delayMs > DELAY_LADDER_TOP_MS) return Promise.reject(delayTooLong(resolved.queue, delayMs));
    const tooLarge = payloadTooLarge(resolved.queue, message, this.section.maxPayloadBytes);
    if (tooLarge) return Promise.reject(tooLarge);
    return this.#publisher.publish(resolved.queue, message, delayMs);
  }

  deadLetter(pipeline: string, message: WireMessage): Promise<void> {
    const resolved = this.#pipelines.get(pipeline);
    if (!resolved) return Promise.reject(unknownPipeline(pipeline));
    return this.#publisher.publish(deadLetterQueueName(resolved.queue), message, 0);
  }

  async consume(pipeline: string, options: ConsumeOptions): Promise<Consumer> {
    const resolved = this.#pipelines.get(pipeline);
    if (!resolved) throw unknownPipeline(pipeline);
    if (this.#closing || this.#connections.state === 'failed') {
      throw amqpError('WARREN_ERR_AMQP_CONSUME_CLOSED', `cannot consume "${pipeline}": the driver is ${this.#closing ? 'closing' : 'failed'}`);
    }
    const consumer = new PipelineConsumer({
      pipeline: resolved, prefetch: options.prefetch, maxPayloadBytes: this.section.maxPayloadBytes, onDelivery: options.onDelivery, declarer: this.#consumeDeclarer, logger: this.#log,
      onCancelled: (cancelled) => this.#consumers.delete(cancelled) && this.#cancelled.add(cancelled),
    });
    this.#consumers.add(consumer);
    // Subscribe now when the consume session's topology is declared; otherwise its setup does it. Failures retry by themselves.
    const session = this.#connections.consume.session;
    if (session && session === this.#declaredSession) {
      const attaching = consumer.attach(session).catch(() => undefined);
      // On a live session the caller may rely on consuming once this resolves; during setup, setup must not wait on it.
      if (session.state === 'live') await attaching;
    }
    return consumer;
  }

  /** Joins the election of `pipeline`'s scheduler (scheduler/amqp-scheduler-lease.ts explains how it works). */
  openSchedulerLease(pipeline: string, options: OpenSchedulerLeaseOptions): Promise<AmqpSchedulerLease> {
    const session = this.#connections.consume.session;
    return this.#leases.open(pipeline, this.#resolve(pipeline).queue, options, session === this.#declaredSession ? session : undefined);
  }

  /** Who holds `pipeline`'s scheduler (its announcement, if anyone consumes the election queue) and the last ticks. */
  inspectSchedules(pipeline: string, jobs: readonly string[]): Promise<ScheduleInspection> {
    return inspectSchedulerQueues(this.#connections.consume.model, this.#resolve(pipeline).queue, jobs);
  }

  status(): DriverStatus {
    return {
      driver: this.name,
      state: this.#connections.state,
      connections: this.#connections.states,
      gauges: {
        ...this.#connections.gauges,
        breaker: this.#breaker.state,
        publisher: this.#publisher.state,
        outboxDepth: this.#publisher.outboxDepth,
        ...(this.#durable ? { durableOutboxDepth: this.#durable.pendingCount } : {}),
        unconfirmed: this.#publisher.unconfirmed,
        consumers: this.#consumers.size,
        consuming: [...this.#consumers].filter((consumer) => consumer.isConsuming).length,
        ...Object.fromEntries([...this.#consumers].map((consumer) => [`consuming.${consumer.pipeline}`, consumer.isConsuming ? 1 : 0])),
      },
    };
  }

  async inspect(pipeline: string, options: InspectOptions = {}): Promise<PipelineStats> {
    const { queue } = this.#resolve(pipeline);
    const delayQueues = this.#delayCensus.candidates(queue, this.#publishDeclarer.knownDelayQueues(queue), options.scanDelayQueues === true);
    const stats = await inspectQueues(this.#connections.consume.model, pipeline, queue, deadLetterQueueName(queue), delayQueues);
    this.#delayCensus.record(queue, delayQueues, stats.delayQueues ?? []);
    return stats;
  }

  peekDeadLetters(pipeline: string, limit: number): Promise<WireMessage[]> {
    return peekDeadLetters(this.#connections.consume.model, deadLetterQueueName(this.#resolve(pipeline).queue), limit);
  }

  replayDeadLetters(pipeline: string, transform: (message: WireMessage) => WireMessage, limit = Number.MAX_SAFE_INTEGER): Promise<number> {
    const { queue } = this.#resolve(pipeline);
    return replayDeadLetters(this.#connections.consume.model, deadLetterQueueName(queue), limit, (message) => this.#publisher.publish(queue, transform(message)));
  }

  purgeDeadLetters(pipeline: string): Promise<number> {
    return purgeDeadLetters(this.#connections.consume.model, deadLetterQueueName(this.#resolve(pipeline).queue));
  }

  /** Stops consumers, flushes the outbox and pending confirms (bounded by timeoutMs), closes. Idempotent. */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closing ??= this.#close(options.timeoutMs ?? 10_000);
    return this.#closing;
  }

  // Bounded: the flush gets `timeoutMs`; each step that needs a broker answer (basic.cancel, channel.close,
  // connection.close) gets what is left of it but at least CLOSE_GRACE_MS, so a dead peer cannot hang close().
  async #close(timeoutMs: number): Promise<void> {
    const deadlineMs = Date.now() + timeoutMs;
    const graceDeadlineMs = () => Math.max(deadlineMs, Date.now() + CLOSE_GRACE_MS);
    this.#timers.close();
    const failures: unknown[] = [];
    await this.#leases.releaseAll();
    const consumers = [...this.#consumers, ...this.#cancelled];
    await settleWithin(Promise.all(consumers.map((consumer) => consumer.cancel().catch((error: unknown) => failures.push(error)))), graceDeadlineMs());
    // Publish side first: retry and dead-letter copies confirmed during the flush still get their originals acked
    // on the consume connection, whose consumers flush their acks next. Redialing goes on meanwhile, so a flush
    // during an outage can still succeed; the connections close last, together.
    await this.#publisher.close(deadlineMs, CLOSE_GRACE_MS).catch((error: unknown) => failures.push(error));
    try {
      this.#durable?.close(); // what was not confirmed stays in the file for the next process
    } catch (error) {
      failures.push(error);
    }
    await settleWithin(Promise.all(consumers.map((consumer) => consumer.close().catch((error: unknown) => failures.push(error)))), graceDeadlineMs());
    await Promise.all([this.#connections.publish.close(undefined, CLOSE_GRACE_MS), this.#connections.consume.close(undefined, CLOSE_GRACE_MS)]);
    this.#breaker.shutdown();
    if (failures.length > 0) throw new AggregateError(failures, 'closing the amqp driver failed');
  }

  /** The one rebuild of a publish session: topology (so publishes route), then the publisher's channel. */
  async #setupPublishing(session: ConnectionSession): Promise<void> {
    this.#publishDeclarer.attach(session);
    await this.#publishDeclarer.declarePipelines(this.#pipelines.values(), this.#onQueueNodeDown('publish'));
    await this.#publisher.attach(session);
  }

  /** The one rebuild of a consume session: topology first (never basic.consume before Q exists), then every consumer. */
  async #setupConsuming(session: ConnectionSession): Promise<void> {
    this.#consumeDeclarer.attach(session);
    await this.#consumeDeclarer.declarePipelines(this.#pipelines.values(), this.#onQueueNodeDown('consume'));
    this.#declaredSession = session;
    await Promise.all([...this.#consumers].map((consumer) => consumer.attach(session).catch(() => undefined))); // each retries itself
    this.#leases.attachAll(session); // each retries itself; must not hold up consuming
  }

  /** Each connection declares for itself, so each says which one skipped the queue (one line per connection setup). */
  #onQueueNodeDown(connection: 'publish' | 'consume'): (pipeline: ResolvedPipelineOptions, error: unknown) => void {
    return (pipeline, error) => this.#log.warn(
      { err: error, event: 'amqp.topology.queue_node_down', connection, pipeline: pipeline.pipeline, queue: pipeline.queue },
      `queue "${pipeline.queue}" is unavailable while its cluster node is down: the ${connection} connection skipped it; the other pipelines go on`,
    );
  }

  async #redeclare(queue: string): Promise<void> {
    for (const pipeline of this.#pipelines.values()) {
      if (pipeline.queue === queue || deadLetterQueueName(pipeline.queue) === queue) await this.#publishDeclarer.declarePipeline(pipeline);
    }
  }

  #onDriverState(from: DriverState, to: DriverState, cause: unknown): void {
    if (to === 'failed') {
      this.#timers.close();
      this.#publisher.close(Date.now()).catch(() => undefined); // nothing will ever send the outbox now
      // One connection failed for good: nothing more is consumed (retries could not be published); close() ends the rest.
      for (const consumer of this.#consumers) consumer.cancel().catch(() => undefined);
    }
    this.events.emit('driver:state', { driver: this.name, from, to, cause });
  }

  #watchdog(): void {
    const session = this.#connections.consume.session;
    if (!session || session.state !== 'live') return;
    for (const consumer of this.#consumers) {
      consumer.verify(session).catch((error: unknown) => this.#log.warn({ err: error, event: 'amqp.watchdog.failed' }, 'watchdog check failed'));
    }
  }

  #resolve(pipeline: string): ResolvedPipelineOptions {
    const resolved = this.#pipelines.get(pipeline);
    if (!resolved) throw unknownPipeline(pipeline);
    return resolved;
  }
}

function unknownPipeline(pipeline: string): WarrenError {
  return new WarrenError('WARREN_ERR_DRIVER_NOT_FOUND_PIPELINE', `the amqp driver has no pipeline "${pipeline}"`);
}
