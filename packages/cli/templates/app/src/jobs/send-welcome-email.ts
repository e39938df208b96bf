/*
 * An example job. Dispatch it from your app with `warren.dispatch(SendWelcomeEmail, { email })`,
 * or, once the pipeline is on RabbitMQ, from a shell: `npx warren push emails.welcome '{"email":"ada@example.com"}'`.
 */
import { Job, type JobContext, type JobHandler } from '@warren/core';
import { Mailer } from '../services/mailer.js';

export interface WelcomeEmail {
  email: string;
}

@Job('emails.welcome', { pipeline: 'emails', attempts: 3, backoff: { type: 'exponential', delay: '1s' }, timeout: '30s' })
export class SendWelcomeEmail implements JobHandler<WelcomeEmail> {
  // Resolved from the container for every job: see bootstrap.ts.
  constructor(private readonly mailer: Mailer) {}

  async handle(payload: WelcomeEmail, ctx: JobContext): Promise<void> {
    await this.mailer.send(payload.email, 'Welcome aboard!');
    ctx.logger.info({ email: payload.email, attempt: ctx.attempt }, 'welcome email sent');
  }
}
