/*
 * PipelineWorker: consumes one pipeline through a Driver and runs its jobs with bounded concurrency,
 * then settles each delivery: ack after success, or ack only after the retry / dead-letter copy was
 * taken by the driver (failure-hand-off.ts: requeue if that hand-off fails); an unexpected exception dead-letters it as
 * internal-error (internal-failure.ts). Lifecycle in worker-state.ts. Consumption breakers gate which deliveries
 * start (breaker-gate.ts). Does not own the driver (Warren starts and closes it) and does not decide outcomes
 * (retry-policy.ts).
 */
import type { Logger } from 'pino';
import type { Consumer, Delivery } from '../driver/driver.js';
import { WarrenError } from '../errors/warren-error.js';
import { DeliveryLost } from '../errors/delivery-lost.js';
import type { JobEventInfo, WorkerState } from '../events/warren-events.js';
import { decodeDeliveryNow, type DecodedJob } from './decode-delivery.js';
import { BreakerGate } from './breaker-gate.js';
import { FailureHandOff } from './failure-hand-off.js';
import { HeldDeliveries } from './held-deliveries.js';
import { InFlightDelivery } from './in-flight-delivery.js';
import { DEFAULT_INTERNAL_REQUEUE_DELAY_MS, settleInternalFailure } from './internal-failure.js';
import { createRetryCopy } from './message-copies.js';
import { DEFAULT_STOP_TIMEOUT_MS, type PipelineWorkerOptions, type StopOptions } from './pipeline-worker-options.js';
import { decideOutcome } from './retry-policy.js';
import { RateGate } from './rate-gate.js';
import { runAttempt } from './run-attempt.js';
import { StuckJobWatch } from './stuck-job-watch.js';
import { TimerSet, type OwnedTimer } from './timer-set.js';
import { canTransition } from './worker-state.js';
import { messagingTargetOf, type MessagingTarget } from '../tracing/messaging-target.js';

/** Consumes one pipeline and settles every delivery it receives; see the file header. */
export class PipelineWorker {
  readonly pipeline: string;
  #state: WorkerState = 'initialized';
  readonly #options: PipelineWorkerOptions;
  readonly #logger: Logger;
  readonly #timers = new TimerSet();
  readonly #held = new HeldDeliveries(this.#timers);
  #consuming: Promise<Consumer> | undefined;
  #consumer: Consumer | undefined;
  #stopped: Promise<void> | undefined;
  /** The `lost` signal this worker listens to last: deliveries of one channel share one, so it is one listener a channel. */
  #watchedLostSignal: AbortSignal | undefined;
  readonly #stuckJobs: StuckJobWatch | undefined;
  /** Where traces say this pipeline's messages come from; only computed when tracing. */
  readonly #messagingTarget: MessagingTarget | undefined;
  readonly #breakers: BreakerGate;
  /** Rate limits of the pipeline and its jobs; undefined when there are none (the common, fast path). */
  readonly #rateGate: RateGate | undefined;
  /** Wakes #pump when a rate limit lets the next job start; at most one armed. */
  #rateTimer: OwnedTimer | undefined;
  /** Retry and dead-letter copies, and what happens when the driver refuses one. */
  readonly #failures: FailureHandOff;

  constructor(options: PipelineWorkerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new WarrenError('WARREN_ERR_WORKER_ILLEGAL_STATE', `concurrency of pipeline "${options.pipeline}" must be an integer >= 1, got ${options.concurrency}`);
    }
    this.#options = options;
    this.pipeline = options.pipeline;
    this.#logger = options.logger.child({ pipeline: options.pipeline });
    const thresholdMs = options.stuckJobAfterMs ?? 0;
    this.#messagingTarget = options.tracing ? messagingTargetOf(options.driver, options.pipeline) : undefined;
    this.#breakers = new BreakerGate({
      pipeline: options.pipeline, breaker: options.breaker, timers: this.#timers, logger: this.#logger, events: options.events,
      consumer: () => this.#consumer, isRunning: () => this.#state === 'running', requeueWaiting: () => this.#held.requeueWaiting(), pump: () => this.#pump(),
    });
    this.#rateGate = RateGate.create(options.rateLimit, options.registry);
    this.#failures = new FailureHandOff({
      pipeline: options.pipeline, driver: options.driver, events: options.events, logger: this.#logger, timers: this.#timers,
      requeueDelayMs: options.requeueDelayMs ?? DEFAULT_INTERNAL_REQUEUE_DELAY_MS,
    });
    this.#stuckJobs = thresholdMs > 0 ? new StuckJobWatch({ thresholdMs, timers: this.#timers, logger: this.#logger, running: () => this.#held.running() }) : undefined;
  }

  get state(): WorkerState {
    return this.#state;
  }

  /** Deliveries held unsettled: running handlers plus those waiting locally for a slot. */
  get inFlight(): number {
    return this.#held.size;
  }

  /** Handlers running right now (never above `concurrency`). */
  get activeJobs(): number {
    return this.#held.runningCount;
  }

  /** Rate-limit figures: total ms deliveries waited for a limit, and how many wait for one now (0 without limits). */
  get rateLimited(): { readonly waitedMs: number; readonly waiting: number } {
    return { waitedMs: this.#rateGate?.waitedMs ?? 0, waiting: this.#rateGate?.limitedNow ?? 0 };
  }

  /**
   * True while running and the driver is actually delivering (false while disconnected), or while the consumption
   * breaker holds deliveries back on purpose: the process is healthy then, and /ready stays 200.
   */
  get isConsuming(): boolean {
    return this.#state === 'running' && (this.#consumer?.isConsuming === true || this.#breakers.isHoldingBack);
  }

  /** The pipeline breaker's state (`closed`, `open`, `halfOpen`); undefined when the pipeline has none. */
  get breakerState(): string | undefined {
    return this.#breakers.state;
  }

  /** Every breaker's state: `pipeline`, and `job:<name>` for jobs with their own. */
  breakerStates(): Record<string, string> {
    return this.#breakers.states();
  }

  /** Subscribes to the pipeline. Rejects with the driver's error (state `failed`) when it refuses. */
  async start(): Promise<void> {
    this.#assertState('start', ['initialized']);
    this.#transition('running', 'start() called');
    this.#stuckJobs?.start();
    const { driver, concurrency } = this.#options;
    this.#consuming = driver.consume(this.pipeline, {
      prefetch: this.#options.prefetch ?? concurrency,
      onDelivery: (delivery) => this.#onDelivery(delivery),
    });
    try {
      this.#consumer = await this.#consuming;
    } catch (error) {
      if (this.#state === 'running') this.#transition('failed', 'the driver refused the subscription');
      throw error;
    }
    // The one info line of a start (state changes are at debug).
    this.#logger.info({ event: 'worker.started', concurrency }, `pipeline "${this.pipeline}" consuming (concurrency ${concurrency})`);
  }

  /**
   * Stops consuming, waits up to `timeoutMs` for in-flight jobs, then aborts their signals and
   * requeues them (late results are ignored). Idempotent: every call returns the same promise.
   */
  stop(options: StopOptions = {}): Promise<void> {
    if (this.#stopped) return this.#stopped;
    if (this.#state === 'failed') return (this.#stopped = Promise.resolve());
    try {
      this.#assertState('stop', ['running']);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#stopped = this.#stop(options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    return this.#stopped;
  }

  /** Aborts and requeues in-flight jobs now, also when a graceful stop() is already draining. */
  forceStop(): Promise<void> {
    this.#held.cutShort();
    return this.stop({ timeoutMs: 0 });
  }

  async #stop(timeoutMs: number): Promise<void> {
    this.#transition('stopping', 'stop() called');
    try {
      const consumer = await this.#consuming;
      await consumer?.cancel();
    } catch (error) {
      this.#logger.warn({ err: error }, 'cancelling the consumer failed; the driver requeues its deliveries');
    }
    // Only now, with the consumer cancelled, can requeued messages not bounce straight back to us.
    this.#held.requeueWaiting();
    this.#transition('draining', `waiting up to ${this.#held.drainBoundMs(timeoutMs)}ms for ${this.#held.size} in-flight job(s)`);
    const isDrained = await this.#held.waitForIdle(timeoutMs);
    const abandoned = this.#held.size;
    if (!isDrained) {
      const reason = new WarrenError('WARREN_ERR_WORKER_TIMEOUT', `pipeline "${this.pipeline}" did not drain within ${this.#held.drainBoundMs(timeoutMs)}ms; ${abandoned} job(s) aborted and requeued`);
      this.#held.abandonAll(reason);
      this.#logger.warn({ err: reason }, reason.message);
    }
    this.#breakers.close();
    this.#timers.cancelAll();
    const outcome = isDrained ? 'drained' : `shutdown timeout: ${abandoned} job(s) requeued`;
    this.#transition('stopped', outcome);
    this.#logger.info({ event: 'worker.stopped', outcome }, `pipeline "${this.pipeline}" stopped (${outcome})`);
  }

  #onDelivery(delivery: Delivery): void {
    // Held during `stopping` and requeued once the consumer is cancelled (see #stop).
    if (this.#state !== 'running' && this.#state !== 'stopping') {
      delivery.requeue();
      return;
    }
    const { lost } = delivery;
    if (lost?.aborted) return; // its channel is already gone: the broker redelivers it
    if (lost && lost !== this.#watchedLostSignal) {
      this.#watchedLostSignal = lost;
      lost.addEventListener('abort', () => this.#onDeliveriesLost(lost), { once: true });
    }
    this.#held.add(new InFlightDelivery(delivery));
    this.#pump();
  }

  /** A channel is gone: its deliveries not started are dropped, running ones aborted; none is settled by us. */
  #onDeliveriesLost(signal: AbortSignal): void {
    const reason = new DeliveryLost(`the channel that delivered these jobs of pipeline "${this.pipeline}" closed; the broker redelivers them`);
    const count = this.#held.loseAll(signal, reason);
    if (count > 0) this.#logger.warn({ event: 'worker.deliveries_lost', count }, `${count} delivery(ies) lost with their channel; the broker redelivers them`);
    this.#pump();
  }

  #pump(): void {
    while (this.#state === 'running' && this.#held.runningCount < this.#options.concurrency) {
      const next = this.#held.peekNext();
      if (!next || !this.#breakers.admit(next)) return;
      // A breaker's trial is the head delivery itself: the rate gate chooses only while the breaker is closed.
      const entry = this.#rateGate && !this.#breakers.isHoldingBack ? this.#startAllowed(this.#rateGate) : this.#held.startNext();
      if (!entry) return;
      // Voided: #process never rejects; it settles the delivery itself.
      void this.#process(entry);
    }
  }

  /** The oldest waiting delivery no rate limit holds back, started; otherwise arms a wake-up for when one may start. */
  #startAllowed(gate: RateGate): InFlightDelivery | undefined {
    const { index, retryInMs } = gate.pick(this.#held.waitingLine, Date.now());
    if (index >= 0) return this.#held.startAt(index);
    if (Number.isFinite(retryInMs) && !this.#rateTimer) {
      this.#rateTimer = this.#timers.schedule(retryInMs, () => {
        this.#rateTimer = undefined;
        this.#pump();
      });
    }
    return undefined;
  }

  async #process(entry: InFlightDelivery): Promise<void> {
    try {
      await this.#handle(entry);
    } catch (error) {
      const { driver, events, requeueDelayMs = DEFAULT_INTERNAL_REQUEUE_DELAY_MS } = this.#options;
      entry.trace?.failed(error);
      await settleInternalFailure(entry, error, { driver, events, requeueDelayMs, pipeline: this.pipeline, logger: this.#logger, timers: this.#timers });
    } finally {
      entry.trace?.end(entry.state === 'lost' ? 'lost' : 'requeued');
      this.#breakers.release(entry, entry.definition);
      this.#held.finish(entry);
      this.#pump();
    }
  }

  async #handle(entry: InFlightDelivery): Promise<void> {
    const { registry, events } = this.#options;
    const decoding = decodeDeliveryNow(entry.delivery, registry);
    const decoded = decoding instanceof Promise ? await decoding : decoding;
    // Decoding may await an async schema; a stop that gave up meanwhile has requeued the message.
    if (entry.isSettled) return;
    const read = decoded.isDecoded ? decoded.job : decoded.rejected;
    const { tracing } = this.#options;
    if (tracing) entry.trace = tracing.startAttempt(this.#messagingTarget!, this.pipeline, entry.delivery, read, decoded.isDecoded ? decoded.job.definition.attempts : undefined);
    if (read.malformed.length > 0) this.#logger.warn({ code: 'WARREN_WRN_005', jobId: read.id, fields: read.malformed }, 'malformed Warren fields treated as absent');
    if (!decoded.isDecoded) {
      const { rejected } = decoded;
      const job = { id: rejected.id, name: rejected.name, pipeline: this.pipeline, attempt: rejected.attempt };
      this.#logger.warn({ err: rejected.error, jobId: rejected.id, job: rejected.name, reason: rejected.reason }, 'message cannot run; dead-lettering it');
      entry.trace?.failed(rejected.error);
      if (await this.#failures.deadLetter(entry, rejected, rejected.reason, rejected.error)) {
        events.emit('job:deadLettered', { job, reason: rejected.reason, error: rejected.error });
      }
      return;
    }
    const { job } = decoded;
    entry.definition = job.definition;
    const refused = this.#failures.takeRefused(job);
    if (refused) {
      this.#logger.info({ jobId: job.id, job: job.name, attempt: job.attempt }, 'this attempt already ran and its copy was refused; handing it off again');
      await this.#failures.settle(entry, job, this.#eventInfo(job), refused.outcome, refused.error, 0, true);
      return;
    }
    const deferMs = this.#breakers.deferralMs(entry, job.definition);
    if (deferMs !== undefined) {
      // Its own breaker is open: back in the queue after the pause, same attempt (a copy at job.attempt, then ack).
      await this.#failures.sendCopy(entry, createRetryCopy(entry.delivery, { ...job, attempt: job.attempt - 1 }), deferMs);
      return;
    }
    // Per-job event payloads only when someone listens (metrics do; a bare worker need not build them).
    const info = this.#hasJobListeners() ? this.#eventInfo(job) : undefined;
    if (info) events.emit('job:started', { job: info });
    const startedAtMs = Date.now();
    // The parent logger: the job's child adds `pipeline` itself, so it is not bound twice.
    const attempt = () => runAttempt({
      job, pipeline: this.pipeline, container: this.#options.container, logger: this.#options.logger, timers: this.#timers, abort: entry.attemptAbort,
    });
    // Inside the consumer span's context when tracing, so the handler's own spans are its children.
    const result = await (entry.trace ? entry.trace.run(attempt) : attempt());
    if (entry.isSettled) return; // abandoned at shutdown and already requeued
    this.#breakers.record(entry, job.definition, result);
    if (result.kind === 'success') {
      if (entry.ack()) entry.trace?.succeeded();
      if (info || events.listenerCount('job:succeeded') > 0) events.emit('job:succeeded', { job: info ?? this.#eventInfo(job), durationMs: Date.now() - startedAtMs });
      return;
    }
    const outcome = decideOutcome({
      result, attempt: job.attempt, maxAttempts: job.definition.attempts, backoff: job.definition.backoff, random: this.#options.random,
    });
    const durationMs = Date.now() - startedAtMs;
    await this.#failures.settle(entry, job, info ?? this.#eventInfo(job), outcome, result.error, durationMs);
  }

  #hasJobListeners(): boolean {
    const { events } = this.#options;
    return events.listenerCount('job:started') > 0 || events.listenerCount('job:succeeded') > 0 || events.listenerCount('job:failed') > 0
      || events.listenerCount('job:deadLettered') > 0;
  }

  #eventInfo(job: DecodedJob): JobEventInfo {
    return { id: job.id, name: job.name, pipeline: this.pipeline, attempt: job.attempt, maxAttempts: job.definition.attempts };
  }

  #assertState(call: string, allowed: readonly WorkerState[]): void {
    if (!allowed.includes(this.#state)) {
      throw new WarrenError('WARREN_ERR_WORKER_ILLEGAL_STATE', `${call}() is not allowed on the "${this.pipeline}" worker in state ${this.#state} (allowed in: ${allowed.join(', ')})`, {
        details: { pipeline: this.pipeline, state: this.#state, call },
      });
    }
  }

  #transition(to: WorkerState, reason: string): void {
    const from = this.#state;
    if (!canTransition(from, to)) {
      throw new WarrenError('WARREN_ERR_WORKER_ILLEGAL_STATE', `worker "${this.pipeline}" cannot move from ${from} to ${to} (${reason})`, {
        details: { pipeline: this.pipeline, from, to, reason },
      });
    }
    this.#state = to;
    // Debug: `worker.started` / `worker.stopped` are the info lines of a start and stop.
    this.#logger.debug({ from, to, reason }, 'worker state');
    this.#options.events.emit('worker:state', { pipeline: this.pipeline, from, to, reason });
  }
}
