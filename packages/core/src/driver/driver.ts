/*
 * The Driver contract between the worker runtime and a transport (memory, AMQP, ...).
 * Core programs against this interface only; it never imports a driver. A driver owns delivery,
 * durability and reconnection; the runtime owns decoding, retries, timeouts and dead-letter policy.
 */
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { OpenSchedulerLeaseOptions, ScheduleInspection, SchedulerLease } from './scheduler-lease.js';
import type { ReceivedProperties, WireMessage } from './wire-message.js';
import type { MessagingTarget } from '../tracing/messaging-target.js';

/** Transport-neutral driver states for health and readiness. Drivers may have finer internal states. */
export type DriverState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'blocked' | 'closing' | 'closed' | 'failed';

/** Events every driver emits. */
export type DriverEventMap = {
  /** The driver moved between states; `cause` explains why (an error, or a short reason). */
  'driver:state': { driver: string; from: DriverState; to: DriverState; cause?: unknown };
  /** An error that no caller is waiting on (e.g. a background redial failed). */
  error: { driver: string; error: unknown };
};

/** One received message, settled exactly once by the runtime. */
export interface Delivery {
  readonly body: Buffer;
  readonly properties: ReceivedProperties;
  /** True when the transport says this message was delivered before (e.g. after a lost connection). */
  readonly redelivered: boolean;
  /**
   * Optional: aborted when the transport can no longer settle this delivery (the channel that delivered it is gone;
   * the broker redelivers it). The runtime then drops it if its job has not started, and aborts a running job's
   * `ctx.signal` with DeliveryLost without acting on its outcome. Deliveries of one channel may share one signal.
   */
  readonly lost?: AbortSignal;
  /** Optional: the body's size limit (e.g. amqp.max_payload) when the body is larger; it is dead-lettered as too-large, unparsed. */
  readonly maxBodyBytes?: number;
  /** Removes the message. Dropped silently when the channel that delivered it is gone (the broker redelivers). */
  ack(): void;
  /** Returns the message to its queue for redelivery, unchanged (shutdown, or a failed retry hand-off). */
  requeue(): void;
}

/** How `Driver.consume` delivers: prefetch and the delivery callback. */
export interface ConsumeOptions {
  /** Deliveries the transport may hand over before earlier ones are settled. */
  readonly prefetch: number;
  /** Called once per delivery; must not throw (the runtime catches everything itself). */
  readonly onDelivery: (delivery: Delivery) => void;
}

/** A live subscription. It survives reconnects: the driver re-subscribes it by itself. */
export interface Consumer {
  readonly pipeline: string;
  /** True while the transport is actually delivering to this consumer (false while disconnected). */
  readonly isConsuming: boolean;
  /** Stops new deliveries; in-flight ones may still be settled. Idempotent. */
  cancel(): Promise<void>;
  /**
   * Optional: stops new deliveries until resume() (a consumption breaker opened; AMQP: basic.cancel), keeping the
   * subscription's identity across reconnects; in-flight ones may still be settled. Idempotent. Without it the
   * runtime stops starting jobs and lets prefetch hold the rest.
   */
  pause?(): Promise<void>;
  /** Optional: takes deliveries again after pause(). Idempotent. */
  resume?(): Promise<void>;
}

/** Options of one `Driver.publish`. */
export interface PublishOptions {
  /** Deliver no sooner than this many milliseconds from now. */
  readonly delayMs?: number;
}

/** Counts for `warren status`; a driver that cannot tell a count reports undefined. */
export interface PipelineStats {
  readonly pipeline: string;
  readonly ready: number | undefined;
  readonly unacked: number | undefined;
  readonly consumers: number | undefined;
  readonly delayed: number | undefined;
  readonly deadLettered: number | undefined;
  /** Optional: each delay queue that exists now, with its messages (their sum is `delayed`). */
  readonly delayQueues?: ReadonlyArray<{ readonly queue: string; readonly delayMs: number; readonly messages: number }>;
}

/** Options of `Driver.inspect`. */
export interface InspectOptions {
  /**
   * Also look for delay queues this process did not declare (another process's retries and delayed dispatches): one
   * check per possible delay, so slower; a driver remembers what it found for the calls without it.
   */
  readonly scanDelayQueues?: boolean;
}

/** What operators see of a driver: its state plus driver-specific gauges (redials, breaker, outbox). */
export interface DriverStatus {
  readonly driver: string;
  readonly state: DriverState;
  /** Numbers and short strings only, e.g. `{ redials: 3, breaker: 'closed', outboxDepth: 0 }`. */
  readonly gauges: Readonly<Record<string, number | string>>;
  /**
   * Optional: the state of each connection a driver keeps, by role (the AMQP driver: `publish` and `consume`).
   * Readiness needs every one of them up; `blocked` (a broker alarm holding publishes) still counts as up.
   */
  readonly connections?: Readonly<Record<string, DriverState>>;
}

/** What a driver found about one queue of a pipeline without changing the broker (`warren doctor --connect`). */
export interface TopologyFinding {
  readonly pipeline: string;
  readonly queue: string;
  /**
   * `ok`: exists as declared; `missing`: does not exist yet (`warren run` declares it); `mismatch`: exists with other
   * arguments; `unusable`: exists, but this connection may not use it (exclusive to another connection, no permission).
   */
  readonly status: 'ok' | 'missing' | 'mismatch' | 'unusable';
  readonly detail: string;
  /** The error behind a mismatch or an unusable queue. */
  readonly error?: unknown;
}

/** A transport for one or more pipelines. */
export interface Driver {
  readonly name: string;
  readonly events: TypedEmitter<DriverEventMap>;
  /**
   * Starts connecting and declares every pipeline's topology. Resolves after the first attempt,
   * connected or not (a driver keeps retrying in the background and buffers publishes); rejects
   * only for what no retry can fix (bad credentials, a topology mismatch).
   */
  start(): Promise<void>;
  /** Resolves once the message is durable (confirmed); rejects with BrokerUnavailable when it cannot be taken. */
  publish(pipeline: string, message: WireMessage, options?: PublishOptions): Promise<void>;
  /** Stores a dead-lettered copy (body unchanged, reason headers added by the runtime); resolves once durable. */
  deadLetter(pipeline: string, message: WireMessage): Promise<void>;
  /** Subscribes to a pipeline; deliveries start once connected and resume after every reconnect. */
  consume(pipeline: string, options: ConsumeOptions): Promise<Consumer>;
  status(): DriverStatus;
  inspect(pipeline: string, options?: InspectOptions): Promise<PipelineStats>;
  /** Up to `limit` dead letters, oldest first, left in place. */
  peekDeadLetters(pipeline: string, limit: number): Promise<WireMessage[]>;
  /**
   * Moves up to `limit` dead letters back to the pipeline through `transform`; returns how many. Never more than the
   * dead-letter queue held when it started, so it ends even while a worker dead-letters the replayed jobs again.
   */
  replayDeadLetters(pipeline: string, transform: (message: WireMessage) => WireMessage, limit?: number): Promise<number>;
  /** Deletes all dead letters of the pipeline; returns how many. */
  purgeDeadLetters(pipeline: string): Promise<number>;
  /**
   * Optional: connects once, reports every pipeline's queues without declaring or changing anything, and disconnects.
   * Rejects (coded) when the broker cannot be reached or refuses the login. `warren doctor --connect` prefers it to
   * start(), which declares what is missing.
   */
  verifyTopology?(options: { timeoutMs: number }): Promise<readonly TopologyFinding[]>;
  /**
   * Optional: how long a job may run before the worker logs it as stuck (once), because the transport will soon take its
   * delivery back (RabbitMQ: consumer_timeout; the amqp driver says half of it). Undefined: never.
   */
  readonly stuckJobAfterMs?: number | undefined;
  /**
   * Optional: what traces say about a pipeline, OpenTelemetry's `messaging.system` (`rabbitmq`) and destination (its
   * queue). Undefined: the driver's name and the pipeline name.
   */
  messagingTarget?(pipeline: string): MessagingTarget;
  /**
   * Optional: joins the election of `pipeline`'s scheduler among every process using this broker (see
   * scheduler-lease.ts). Without it, schedules of the driver's pipelines run in this process alone.
   */
  openSchedulerLease?(pipeline: string, options: OpenSchedulerLeaseOptions): Promise<SchedulerLease>;
  /** Optional: who holds `pipeline`'s scheduler and the last recorded tick of each of `jobs` (`warren status`). */
  inspectSchedules?(pipeline: string, jobs: readonly string[]): Promise<ScheduleInspection>;
  /** Flushes buffered publishes (bounded by `timeoutMs`) and closes. Idempotent. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}
