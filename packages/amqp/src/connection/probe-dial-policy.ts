/*
 * ProbeDialPolicy: decides when a reachability probe that found the broker port open may pull the next
 * scheduled redial forward. Pure (the clock is passed in) and table-tested; the probe owns timers and
 * sockets, the redial scheduler owns the redial itself.
 */

/**
 * Probe-triggered redials are at least this far apart, and one that the port's opening did not prompt (the port
 * was open at the last probe too) also waits this long after any redial: a port that accepts TCP but fails AMQP
 * is not hammered, and a probe never doubles up on a scheduled redial that just failed.
 */
export const PROBE_DIAL_MIN_GAP_MS = 1_000;

/**
 * Probe-triggered redials allowed per opening of the port (closed or unknown → open). RabbitMQ may accept TCP
 * a moment before it completes AMQP handshakes, so a few follow-ups are allowed; after that only the schedule
 * dials until the port is seen closed again (a TCP proxy in front of a dead broker stays "open" forever).
 */
export const PROBE_DIALS_PER_OPENING = 5;

/** What one probe saw. */
export type PortObservation = 'open' | 'closed';

export class ProbeDialPolicy {
  #last: PortObservation | undefined;
  #probeDialsThisOpening = 0;
  #lastProbeDialAtMs = Number.NEGATIVE_INFINITY;
  #lastDialAtMs = Number.NEGATIVE_INFINITY;

  /** Records one probe result at `nowMs`; true when the pending redial may be made now (then call recordDial). */
  observe(observation: PortObservation, nowMs: number): boolean {
    const isOpening = observation === 'open' && this.#last !== 'open';
    if (isOpening) this.#probeDialsThisOpening = 0;
    this.#last = observation;
    if (observation === 'closed' || this.#probeDialsThisOpening >= PROBE_DIALS_PER_OPENING) return false;
    if (nowMs - this.#lastProbeDialAtMs < PROBE_DIAL_MIN_GAP_MS) return false;
    return isOpening || nowMs - this.#lastDialAtMs >= PROBE_DIAL_MIN_GAP_MS;
  }

  /** A redial was made at `nowMs`: pulled forward by the probe, or on its schedule. */
  recordDial(nowMs: number, isProbeTriggered: boolean): void {
    this.#lastDialAtMs = nowMs;
    if (!isProbeTriggered) return;
    this.#probeDialsThisOpening++;
    this.#lastProbeDialAtMs = nowMs;
  }

  /** A new outage starts from scratch (called when the connection is ready again). */
  reset(): void {
    this.#last = undefined;
    this.#probeDialsThisOpening = 0;
    this.#lastProbeDialAtMs = Number.NEGATIVE_INFINITY;
    this.#lastDialAtMs = Number.NEGATIVE_INFINITY;
  }
}
