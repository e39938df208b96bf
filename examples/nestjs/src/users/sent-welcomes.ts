/*
 * A singleton that records each welcome sent, so main.ts (and the test) can wait for jobs to be
 * handled. One instance for the app; the job instances that write to it are one per job.
 */
import { Injectable } from '@nestjs/common';

export interface SentWelcome {
  readonly jobId: string;
  readonly userId: string;
  readonly text: string;
  readonly attempt: number;
  /** The job instance that handled it: a fresh one per job. */
  readonly handler: object;
}

@Injectable()
export class SentWelcomes {
  readonly sent: SentWelcome[] = [];
  #waiters: Array<() => void> = [];

  record(welcome: SentWelcome): void {
    this.sent.push(welcome);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once every one of `jobIds` has been recorded. */
  async waitFor(jobIds: readonly string[]): Promise<SentWelcome[]> {
    const found = () => jobIds.map((id) => this.sent.find((welcome) => welcome.jobId === id));
    while (found().includes(undefined)) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return found() as SentWelcome[];
  }
}
