/*
 * An application service that dispatches through WarrenService: the payload is type-checked
 * against SendWelcomeJob's handle().
 */
import { Injectable } from '@nestjs/common';
import { WarrenService } from '@warren/nestjs';
import { SendWelcomeJob } from './send-welcome.job.js';

@Injectable()
export class SignupService {
  constructor(private readonly warren: WarrenService) {}

  /** Resolves with the job id once RabbitMQ has confirmed the message. */
  signUp(userId: string, name: string, workMs?: number): Promise<string> {
    return this.warren.dispatch(SendWelcomeJob, { userId, name, ...(workMs === undefined ? {} : { workMs }) });
  }
}
