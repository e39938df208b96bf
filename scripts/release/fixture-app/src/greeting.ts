/* What the job depends on: a token the app binds in its bootstrap, and a class tsyringe builds from its type. */
export interface Greeting {
  readonly text: string;
}

export class Clock {
  now(): string {
    return new Date().toISOString();
  }
}
