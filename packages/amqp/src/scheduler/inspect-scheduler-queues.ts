/*
 * What `warren status` shows of a pipeline's scheduler on RabbitMQ: how many processes take part in the election
 * (consumers of Q.scheduler), who announced holding it (Q.scheduler.holder) and the last recorded tick of each asked
 * and announced schedule (Q.schedule.<job>). Reads without taking anything; a missing queue reads as nothing.
 */
import type { ChannelModel } from 'amqplib';
import { WARREN_HEADERS, type ScheduleInspection, type SchedulerHolderInfo } from '@warren/core';
import { amqpError } from '../errors.js';
import { countConsumers, readLastValue } from './read-last-value.js';
import { electionQueueName, holderQueueName, tickQueueName } from './scheduler-queues.js';

export async function inspectSchedulerQueues(model: ChannelModel | undefined, queue: string, jobs: readonly string[]): Promise<ScheduleInspection> {
  if (!model) throw amqpError('WARREN_ERR_AMQP_CONN_UNAVAILABLE', 'not connected to RabbitMQ; cannot read the scheduler queues');
  const candidates = await countConsumers(model, electionQueueName(queue));
  const announced = candidates > 0 ? await readLastValue(model, holderQueueName(queue)) : undefined;
  const holder = announced ? parseHolder(announced.content) : undefined;
  const lastTicks: Record<string, number | undefined> = {};
  for (const job of new Set([...jobs, ...(holder?.schedules.map((schedule) => schedule.job) ?? [])])) {
    const tick = (await readLastValue(model, tickQueueName(queue, job)))?.properties.headers?.[WARREN_HEADERS.tick];
    const tickMs = typeof tick === 'string' ? Date.parse(tick) : Number.NaN;
    lastTicks[job] = Number.isFinite(tickMs) ? tickMs : undefined;
  }
  return { holder, candidates, lastTicks };
}

function parseHolder(body: Buffer): SchedulerHolderInfo | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<SchedulerHolderInfo>;
    if (typeof value.holder !== 'string' || typeof value.sinceMs !== 'number' || !Array.isArray(value.schedules)) return undefined;
    return value as SchedulerHolderInfo;
  } catch {
    return undefined;
  }
}
