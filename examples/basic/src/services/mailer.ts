/*
 * A stand-in mail service, injected into the email job by tsyringe. It records what it "sent".
 */
import { singleton } from 'tsyringe';

@singleton()
export class Mailer {
  readonly sent: string[] = [];

  async send(to: string, subject: string): Promise<void> {
    this.sent.push(`${to}: ${subject}`);
  }
}
