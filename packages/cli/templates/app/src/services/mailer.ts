/*
 * The service the example job depends on. The job asks for a `Mailer`; bootstrap.ts registers it,
 * and the test swaps in a fake. Replace the body of send() with your mail provider's client.
 */

export class Mailer {
  async send(to: string, subject: string): Promise<void> {
    console.log(`[mailer] to=${to} subject=${JSON.stringify(subject)}`);
  }
}
