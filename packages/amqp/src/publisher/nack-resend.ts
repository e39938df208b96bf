/*
 * NackResend: what the publisher does with a publish the broker nacked. RabbitMQ nacks what it could not store —
 * a full queue with overflow reject-publish, but also every publish in flight to a quorum queue whose leader just
 * died (seen on a 3-node cluster: ~50 nacks at 100 publishes/s after a SIGKILL). The second kind succeeds once a new
 * leader is elected, so a nacked publish is sent again, on a fresh channel, after a growing pause; only after
 * MAX_NACK_RESENDS does the dispatch fail (WARREN_ERR_AMQP_PUBLISH_NACKED). Pure bookkeeping: no channels, no timers.
 */
import type { PublishEntry } from './publish-entry.js';

/** Re-sends of one nacked publish before it is rejected; with the pauses below they span ~1.75 s. */
export const MAX_NACK_RESENDS = 3;
/** Pause before the first re-send; doubles with each nack of the same publish. */
export const NACK_RESEND_BASE_DELAY_MS = 250;

export class NackResend {
  #taken: PublishEntry[] = [];
  #givenUp = 0;
  #maxNacks = 0;

  /** A nack of `entry`: true when it is taken for a re-send, false when it must be rejected. */
  take(entry: PublishEntry): boolean {
    entry.nacks++;
    if (entry.nacks > MAX_NACK_RESENDS) {
      this.#givenUp++;
      return false;
    }
    this.#maxNacks = Math.max(this.#maxNacks, entry.nacks);
    this.#taken.push(entry);
    return true;
  }

  /** What the last confirms left to do: entries to re-send (oldest first), the pause before it, and how many were rejected. */
  takeAll(): { readonly resend: PublishEntry[]; readonly delayMs: number; readonly givenUp: number } {
    const result = {
      resend: this.#taken,
      delayMs: this.#taken.length > 0 ? NACK_RESEND_BASE_DELAY_MS * 2 ** (this.#maxNacks - 1) : 0,
      givenUp: this.#givenUp,
    };
    this.#taken = [];
    this.#givenUp = 0;
    this.#maxNacks = 0;
    return result;
  }
}
