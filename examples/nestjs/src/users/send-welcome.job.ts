/*
 * A Warren job that is a Nest provider of UsersModule: its constructor gets UsersModule's Greeter
 * and SentWelcomes, and the JobContext of its own job. Warren builds a fresh instance per job.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject } from '@nestjs/common';
import { Job, type JobContext, type JobHandler } from '@warren/core';
import { JOB_CONTEXT } from '@warren/nestjs';
import { Greeter } from './greeter.js';
import { SentWelcomes } from './sent-welcomes.js';

export interface WelcomePayload {
  userId: string;
  name: string;
  /** How long the "email provider" takes, to show that shutdown waits for a running job. */
  workMs?: number;
}

@Job('users.welcome', { pipeline: 'welcome', attempts: 3, timeout: '30s' })
export class SendWelcomeJob implements JobHandler<WelcomePayload> {
  constructor(
    private readonly greeter: Greeter,
    private readonly sent: SentWelcomes,
    @Inject(JOB_CONTEXT) private readonly context: JobContext,
  ) {}

  async handle(payload: WelcomePayload): Promise<void> {
    if (payload.workMs) await sleep(payload.workMs, undefined, { signal: this.context.signal });
    const text = this.greeter.greet(payload.name);
    this.sent.record({ jobId: this.context.id, userId: payload.userId, text, attempt: this.context.attempt, handler: this });
  }
}
