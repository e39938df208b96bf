/*
 * A job that always succeeds: its Mailer dependency comes from the container.
 */
import { Job, type JobContext, type JobHandler } from '@warren/core';
import { Mailer } from '../services/mailer.js';

export interface WelcomePayload {
  userId: string;
  email: string;
}

@Job('emails.welcome', { pipeline: 'emails', attempts: 3 })
export class SendWelcomeEmail implements JobHandler<WelcomePayload> {
  constructor(private readonly mailer: Mailer) {}

  async handle(payload: WelcomePayload, ctx: JobContext): Promise<void> {
    await this.mailer.send(payload.email, `Welcome, ${payload.userId}!`);
    ctx.logger.info({ email: payload.email }, 'welcome email sent');
  }
}
