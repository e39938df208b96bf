/*
 * A feature module: the job class is one of its providers, next to the services it uses.
 */
import { Module } from '@nestjs/common';
import { Greeter } from './greeter.js';
import { SendWelcomeJob } from './send-welcome.job.js';
import { SentWelcomes } from './sent-welcomes.js';
import { SignupService } from './signup-service.js';

@Module({
  providers: [Greeter, SentWelcomes, SendWelcomeJob, SignupService],
  exports: [SignupService, SentWelcomes],
})
export class UsersModule {}
