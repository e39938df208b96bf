/*
 * A plain Nest provider of UsersModule (not global): the job gets it from the module that lists the job.
 */
import { Injectable } from '@nestjs/common';

@Injectable()
export class Greeter {
  greet(name: string): string {
    return `Welcome, ${name}!`;
  }
}
