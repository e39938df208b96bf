/* One job with a dependency by type (needs decorator metadata) and one by token (needs the shared container). */
import { Job, type JobContext } from '@warren/core';
import { inject } from 'tsyringe';
import { Clock, type Greeting } from '../greeting.js';

@Job('release.greet', { pipeline: 'greet', attempts: 1, timeout: '10s' })
export class Greet {
  constructor(private readonly clock: Clock, @inject('Greeting') private readonly greeting: Greeting) {}

  async handle(payload: { name: string }, ctx: JobContext): Promise<void> {
    console.log(`handled ${ctx.id}: ${this.greeting.text}, ${payload.name} (${this.clock.now()})`);
  }
}
