/*
 * The NestJS example: starts the app (which starts consuming), signs up two users — each a
 * welcome job dispatched through WarrenService and handled by a job class that Nest built — and
 * closes the app, which drains. With `--slow <ms>` it also dispatches a job that takes that long
 * and waits for SIGTERM/SIGINT: enableShutdownHooks closes the app, the running job finishes, exit 0.
 */
import { WarrenService } from '@warren/nestjs';
import { createApp } from './create-app.js';
import { SentWelcomes } from './users/sent-welcomes.js';
import { SignupService } from './users/signup-service.js';

const app = await createApp();
// useProcessExit: exit 0 once closed, rather than re-raising the signal (exit code 143).
app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
const signups = app.get(SignupService);
const sent = app.get(SentWelcomes);
const { warren } = app.get(WarrenService);
warren.events.on('job:started', ({ job }) => console.log(`  … ${job.name} ${job.id} started`));

console.log('Warren NestJS example');
const ids = await Promise.all([signups.signUp('u-1', 'Ada'), signups.signUp('u-2', 'Alan')]);
for (const welcome of await sent.waitFor(ids)) console.log(`  ✔ users.welcome ${welcome.jobId} for ${welcome.userId}: ${welcome.text}`);

const slowIndex = process.argv.indexOf('--slow');
if (slowIndex === -1) {
  await app.close();
  console.log('done');
} else {
  const workMs = Number(process.argv[slowIndex + 1]);
  const id = await signups.signUp('u-3', 'Grace', workMs);
  console.log(`dispatched a job that takes ${workMs} ms; waiting for SIGTERM`);
  const [welcome] = await sent.waitFor([id]);
  console.log(`  ✔ users.welcome ${welcome?.jobId} for ${welcome?.userId}: ${welcome?.text}`);
}
