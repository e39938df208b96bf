/*
 * WarrenService: what Nest providers inject to dispatch jobs, with Warren's own typed API
 * (`dispatch(SendWelcomeEmail, payload)` checks the payload against the handler). The lifecycle
 * (consuming, draining, closing) is WarrenLifecycle's.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Warren } from '@warren/core';
import { WARREN } from './warren-module-options.js';

@Injectable()
export class WarrenService {
  /** Publishes one job; resolves with its id once the broker confirmed it (see Warren.dispatch). */
  readonly dispatch: Warren['dispatch'];
  /** Publishes several jobs with overlapping confirms (see Warren.dispatchMany). */
  readonly dispatchMany: Warren['dispatchMany'];
  /** The Warren instance itself: events, health, dead letters. */
  readonly warren: Warren;

  constructor(@Inject(WARREN) warren: Warren) {
    this.warren = warren;
    // bind keeps the overloads of both methods (their `this` is the Warren instance).
    this.dispatch = warren.dispatch.bind(warren);
    this.dispatchMany = warren.dispatchMany.bind(warren);
  }
}
