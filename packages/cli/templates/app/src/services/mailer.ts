/*
 * The service the example job depends on. The job asks for a `Mailer`; bootstrap.ts decides which
 * implementation it gets (here one that logs), and the test swaps in a fake.
 */

export abstract class Mailer {
  abstract send(to: string, subject: string): Promise<void>;
}

/** Prints instead of sending: replace it with your mail provider's client. */
export class ConsoleMailer extends Mailer {
  async send(to: string, subject: string): Promise<void> {
    console.log(`[mailer] to=${to} subject=${JSON.stringify(subject)}`);
  }
}
