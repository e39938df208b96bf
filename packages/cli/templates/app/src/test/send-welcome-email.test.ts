/*
 * Runs the example job end to end on the in-memory driver (no broker): `npm test`.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Warren } from '@warren/core';
import { container } from 'tsyringe';
import { SendWelcomeEmail } from '../jobs/send-welcome-email.js';
import { Mailer } from '../services/mailer.js';

class FakeMailer extends Mailer {
  readonly sent: Array<{ to: string; subject: string }> = [];

  async send(to: string, subject: string): Promise<void> {
    this.sent.push({ to, subject });
  }
}

test('sends a welcome email through the injected mailer', async () => {
  const mailer = new FakeMailer();
  const scope = container.createChildContainer();
  scope.registerInstance(Mailer, mailer);
  const warren = await Warren.fromConfig(
    {
      version: 1,
      jobs: { pipelines: { emails: { driver: 'memory' } } },
      http: { enabled: false },
      log: { level: 'silent' },
    },
    { container: scope, loadModules: false },
  );
  try {
    await warren.run();
    const succeeded = warren.events.once('job:succeeded', { timeoutMs: 5_000 });
    await warren.dispatch(SendWelcomeEmail, { email: 'ada@example.com' });
    const { job } = await succeeded;
    assert.equal(job.name, 'emails.welcome');
    assert.deepEqual(mailer.sent, [{ to: 'ada@example.com', subject: 'Welcome aboard!' }]);
  } finally {
    await warren.close();
  }
});
