// Compile-time contract of dispatch: checked by `tsc --noEmit` from test/unit/types.test.ts.
// Every @ts-expect-error line must really be an error, or tsc fails on the unused directive.
import { Job, Warren, type JobContext, type JobHandler } from '@warren/core';

@Job('emails.welcome', { pipeline: 'emails' })
class SendWelcomeEmail implements JobHandler<{ userId: string }> {
  async handle(_payload: { userId: string }, _ctx: JobContext): Promise<void> {}
}

export async function producer(warren: Warren): Promise<void> {
  await warren.dispatch(SendWelcomeEmail, { userId: 'u-1' });
  await warren.dispatch(SendWelcomeEmail, { userId: 'u-1' }, { delay: '10s', priority: 5, id: 'x', headers: { tenant: 'a' } });
  await warren.dispatch('emails.welcome', { anything: true });
  await warren.dispatchMany([{ job: SendWelcomeEmail, payload: { userId: 'u-2' } }]);
  await warren.dispatchMany(SendWelcomeEmail, [{ userId: 'u-3' }, { userId: 'u-4' }], { delay: '1s' });
  await warren.dispatchMany('emails.welcome', [{ anything: true }]);

  // @ts-expect-error the payload lacks userId
  await warren.dispatch(SendWelcomeEmail, {});
  // @ts-expect-error userId must be a string
  await warren.dispatch(SendWelcomeEmail, { userId: 42 });
  // @ts-expect-error an unknown property in a fresh object literal
  await warren.dispatch(SendWelcomeEmail, { userId: 'u-1', admin: true });
  // @ts-expect-error every payload of dispatchMany is checked too
  await warren.dispatchMany(SendWelcomeEmail, [{ userId: 'u-5' }, { userId: 6 }]);
  // @ts-expect-error delay must be a duration
  await warren.dispatch(SendWelcomeEmail, { userId: 'u-1' }, { delay: '10 seconds' });
}
