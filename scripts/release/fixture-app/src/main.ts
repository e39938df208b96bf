/*
 * A CommonJS app (what `npm init -y` writes): no top-level await, so the entry is an async main().
 * Dispatches one job on RabbitMQ and consumes it in the same process.
 */
import 'reflect-metadata';
import { Warren } from '@warren/core';
import { Greet } from './jobs/greet.js';

async function main(): Promise<void> {
  const warren = await Warren.fromConfig('warren.yaml');
  try {
    await warren.run();
    const succeeded = warren.events.once('job:succeeded', { timeoutMs: 20_000 });
    const id = await warren.dispatch(Greet, { name: 'release check' });
    const { job } = await succeeded;
    console.log(`dispatched ${id}, succeeded ${job.id}`);
  } finally {
    await warren.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
