/*
 * TopologyDeclarer: declares a pipeline's queues (Q, Q.dlq) and its delay queues on a dedicated channel
 * of the session it is attached to, and turns PRECONDITION_FAILED (406) into WARREN_ERR_AMQP_TOPOLOGY_MISMATCH.
 * A 406 closes the channel, so the channel is reopened on demand. Knows nothing about redialing.
 */
import type { Channel } from 'amqplib';
import { isWarrenError, type Logger } from '@warren/core';
import type { ConnectionSession } from '../connection/connection-session.js';
import { amqpError } from '../errors.js';
import { REPLY_NOT_FOUND, REPLY_PRECONDITION_FAILED, replyCodeOf } from '../amqp-reply-codes.js';
import type { ResolvedPipelineOptions } from '../amqp-options.js';
import {
  DELAY_QUEUE_EXPIRY_MARGIN_MS, deadLetterQueueArguments, deadLetterQueueName, delayQueueArguments, delayQueueName, mainQueueArguments,
} from './queue-names.js';
import { DELAY_LADDER_TOP_MS, delayStepMs } from './delay-ladder.js';

// RabbitMQ names the first differing argument in its reply text; it is the only place this detail exists.
const INEQUIVALENT_ARG = /inequivalent arg '([^']+)'[^:]*: received (.+?) but current is (.+?)(?:"|$)/;

/** RabbitMQ's 404 text for a durable classic queue whose node is down ("home node 'n' of durable queue 'q' ... is down or inaccessible"). */
export const QUEUE_NODE_DOWN = /home node .* is down or inaccessible/;

/** Wraps a declare failure: 406 → MISMATCH naming the queue and argument; 404 → node down or NOT_FOUND; anything else → UNAVAILABLE. */
export function declareError(queue: string, error: unknown): Error {
  const code = replyCodeOf(error);
  const text = error instanceof Error ? error.message : String(error);
  if (code === REPLY_PRECONDITION_FAILED) {
    const match = INEQUIVALENT_ARG.exec(text);
    const argument = match ? `${match[1]} (config: ${match[2]}, broker: ${match[3]})` : 'unknown argument';
    return amqpError('WARREN_ERR_AMQP_TOPOLOGY_MISMATCH', `queue "${queue}" exists with different arguments: ${argument}`, {
      cause: error,
      hint: match?.[1]?.startsWith('x-dead-letter-') ? deadLetterArgumentsHint(queue)
        : `Delete the queue (rabbitmqctl delete_queue ${queue}; its messages are lost) or change the pipeline options to match it.`,
      details: { queue, argument: match?.[1], configured: match?.[2], existing: match?.[3], replyText: text },
    });
  }
  if (code === REPLY_NOT_FOUND && QUEUE_NODE_DOWN.test(text)) {
    // A classic queue on a cluster whose node is down: it exists, but nothing can declare, publish to or consume it.
    return amqpError('WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE', `queue "${queue}" is unavailable: the cluster node that holds it is down (${text})`, {
      cause: error, details: { queue, isNodeDown: true },
      hint: 'Wait for the node to come back (Warren resumes by itself), or use queue_type: quorum so that a queue survives the loss of a node.',
    });
  }
  if (code === REPLY_NOT_FOUND) {
    return amqpError('WARREN_ERR_AMQP_TOPOLOGY_NOT_FOUND', `queue "${queue}" does not exist: ${text}`, { cause: error, details: { queue } });
  }
  return amqpError('WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE', `declaring queue "${queue}" failed: ${text}`, { cause: error, details: { queue } });
}

/**
 * The fix for a Q declared without (or with other) dead-letter arguments, typically by a Warren from before Q dead-lettered
 * to Q.dlq. RabbitMQ cannot change the arguments of an existing queue, and a policy does not satisfy a declare.
 */
function deadLetterArgumentsHint(queue: string): string {
  return `"${queue}" must dead-letter to "${deadLetterQueueName(queue)}" (x-dead-letter-exchange "" and x-dead-letter-routing-key ${deadLetterQueueName(queue)}) `
    + 'so that what RabbitMQ drops from it is kept, and an existing queue\'s arguments cannot be changed. Stop the workers; if the queue is empty, '
    + `delete it (rabbitmqctl delete_queue ${queue}); otherwise move its messages to a temporary queue first (e.g. with a shovel), delete it, `
    + 'start warren run (it declares the queue as it must be) and move the messages back.';
}

/** A delay the ladder cannot carry (above 7 days, or not positive): WARREN_ERR_AMQP_PUBLISH_DELAY_TOO_LONG. */
export function delayTooLong(queue: string, delayMs: number): Error {
  return amqpError('WARREN_ERR_AMQP_PUBLISH_DELAY_TOO_LONG', `a publish to "${queue}" asks for a delay of ${delayMs} ms; the delay ladder takes 1 ms to 7 days (${DELAY_LADDER_TOP_MS} ms)`, {
    details: { queue, delayMs, maxDelayMs: DELAY_LADDER_TOP_MS },
  });
}

export class TopologyDeclarer {
  readonly #logger: Logger | undefined;
  #session: ConnectionSession | undefined;
  #channel: Promise<Channel> | undefined;
  /** Delay queue name → when it was last declared (ms), for this connection only. */
  readonly #delayQueues = new Map<string, number>();
  /** Every delay queue declared by this process, for inspect(). */
  readonly #knownDelayQueues = new Map<string, Set<string>>();
  /** Q → the queue type its delay queues are declared with (delay_queue_type). */
  readonly #delayQueueTypes = new Map<string, 'quorum' | 'classic'>();
  /** Delay queues found with the other type, warned about once. */
  readonly #otherTypeDelayQueues = new Set<string>();

  /** `logger` gets WARREN_WRN_106 (a delay queue that exists with the other type). */
  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  /** Binds to a fresh session; forgets what the previous one declared. Nothing is declared once the session ended. */
  attach(session: ConnectionSession): void {
    this.#session = session;
    this.#channel = undefined;
    this.#delayQueues.clear();
  }

  /**
   * Declares every pipeline's Q and Q.dlq. A pipeline whose queue's cluster node is down is handed to `onNodeDown` and
   * skipped instead of failing the whole setup: the other pipelines go on, its consumer retries by itself, and
   * publishes to it are refused naming the node. Rejects on any other failure.
   */
  async declarePipelines(pipelines: Iterable<ResolvedPipelineOptions>, onNodeDown: (pipeline: ResolvedPipelineOptions, error: unknown) => void): Promise<void> {
    for (const pipeline of pipelines) {
      try {
        await this.declarePipeline(pipeline);
      } catch (error) {
        if (!isWarrenError(error, 'WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE') || error.details.isNodeDown !== true) throw error;
        onNodeDown(pipeline, error);
      }
    }
  }

  /** Declares Q and Q.dlq (durable). Rejects with a coded topology error. */
  async declarePipeline(options: ResolvedPipelineOptions): Promise<void> {
    this.#delayQueueTypes.set(options.queue, options.delayQueueType ?? 'quorum');
    await this.#assert(options.queue, mainQueueArguments(options));
    await this.#assert(deadLetterQueueName(options.queue), deadLetterQueueArguments(options));
  }

  /**
   * Declares the delay queue for `delayMs`, rounded up to its step of the delay ladder (Q.delay.<step>), unless declared
   * recently on this connection; returns its name. Rejects (coded, never retried) for a delay above the ladder's top.
   */
  async ensureDelayQueue(queue: string, delayMs: number, nowMs = Date.now()): Promise<string> {
    const stepMs = delayStepMs(delayMs);
    if (stepMs === undefined) throw delayTooLong(queue, delayMs);
    const name = delayQueueName(queue, stepMs);
    const declaredAtMs = this.#delayQueues.get(name);
    // Re-declare within half the expiry margin: publishing does not reset x-expires, a declare does.
    if (declaredAtMs !== undefined && nowMs - declaredAtMs < DELAY_QUEUE_EXPIRY_MARGIN_MS / 2) return name;
    await this.#assertDelayQueue(queue, name, stepMs);
    this.#delayQueues.set(name, nowMs);
    let known = this.#knownDelayQueues.get(queue);
    if (!known) this.#knownDelayQueues.set(queue, (known = new Set()));
    known.add(name);
    return name;
  }

  /** Forces the next delayed publish to re-declare its delay queue (one was found missing). */
  forgetDelayQueues(): void {
    this.#delayQueues.clear();
  }

  /** Delay queues this process has declared for `queue` (they may have expired since). */
  knownDelayQueues(queue: string): string[] {
    return [...(this.#knownDelayQueues.get(queue) ?? [])];
  }

  /** Passive declare: counts of an existing queue, or a coded error (NOT_FOUND when it is missing). */
  async checkQueue(queue: string): Promise<{ messageCount: number; consumerCount: number }> {
    const channel = await this.#openChannel();
    try {
      const ok = await channel.checkQueue(queue);
      return { messageCount: ok.messageCount, consumerCount: ok.consumerCount };
    } catch (error) {
      throw declareError(queue, error);
    }
  }

  /** The declare channel itself (opened on demand) for one-off operations like purge or get. */
  channel(): Promise<Channel> {
    return this.#openChannel();
  }

  /**
   * Declares Q.delay.<step> with the pipeline's delay_queue_type. One that exists with the other type (left by a Warren
   * from before quorum delay queues, or by a process with other options) is used as it is, with a warning: a mismatch
   * here would stop every retry of the pipeline, and the queue expires by itself once no one declares it.
   */
  async #assertDelayQueue(queue: string, name: string, stepMs: number): Promise<void> {
    const type = this.#delayQueueTypes.get(queue) ?? 'quorum';
    try {
      await this.#assert(name, delayQueueArguments(queue, stepMs, type));
      return;
    } catch (error) {
      if (!isWarrenError(error, 'WARREN_ERR_AMQP_TOPOLOGY_MISMATCH')) throw error;
      const other = type === 'quorum' ? 'classic' : 'quorum';
      await this.#assert(name, delayQueueArguments(queue, stepMs, other)).catch(() => Promise.reject(error));
      if (this.#otherTypeDelayQueues.has(name)) return;
      this.#otherTypeDelayQueues.add(name);
      this.#logger?.warn({ code: 'WARREN_WRN_106', queue: name, configured: type, existing: other, reason: error.message },
        `delay queue "${name}" exists as a ${other} queue (delay_queue_type is ${type}); using it as it is`);
    }
  }

  async #assert(queue: string, args: Record<string, unknown>): Promise<void> {
    const channel = await this.#openChannel();
    try {
      await channel.assertQueue(queue, { durable: true, arguments: args });
    } catch (error) {
      throw declareError(queue, error);
    }
  }

  #openChannel(): Promise<Channel> {
    const session = this.#session;
    if (!session?.isActive) {
      return Promise.reject(amqpError('WARREN_ERR_AMQP_TOPOLOGY_UNAVAILABLE', 'not connected to RabbitMQ'));
    }
    if (this.#channel) return this.#channel;
    const opening = session.connection.createChannel().then((channel) => {
      channel.on('error', () => undefined); // reported to the caller of the failed operation (declareError)
      channel.on('close', () => {
        if (this.#channel === opening) this.#channel = undefined;
      });
      return channel;
    });
    opening.catch(() => {
      if (this.#channel === opening) this.#channel = undefined;
    });
    this.#channel = opening;
    return opening;
  }
}
