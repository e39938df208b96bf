/*
 * ReachabilityProbe: while the connection manager waits between redials, checks every `intervalMs` whether
 * the broker's port accepts TCP again (a plain connect, closed at once: no AMQP bytes) and, when
 * ProbeDialPolicy allows, asks for the redial now. Owns its interval timer and at most one probe socket
 * (aborted by stop/close). Never throws from its timer: a target it cannot read is logged once per outage.
 * Does not dial AMQP and does not decide the schedule (redial-scheduler.ts).
 */
import { TimerSet, type Logger, type OwnedTimer } from '@warren/core';
import net from 'node:net';
import { hideBrokerUrlPassword } from '../broker-url.js';
import { ProbeDialPolicy } from './probe-dial-policy.js';

/** Whether `host:port` accepts a TCP connection within `timeoutMs`; must settle soon after `signal` aborts. */
export type PortCheck = (host: string, port: number, timeoutMs: number, signal: AbortSignal) => Promise<boolean>;

/** A probe slower than this counts as closed (a host that drops SYNs must not hold the one probe slot long). */
const PROBE_TIMEOUT_MS = 1_000;

export interface ReachabilityProbeOptions {
  readonly intervalMs: number;
  /** The broker URL the next redial will dial; its host:port is probed. */
  readonly target: () => string;
  /** The port is open and the policy allows the pending redial now (the owner reports it with recordRedial). */
  readonly onReachable: () => void;
  /** Replaces the TCP check (tests). */
  readonly check?: PortCheck;
  readonly now?: () => number;
  /** Where a target that cannot be probed is reported (WARREN_ERR_AMQP_CONN_INVALID); default: nowhere. */
  readonly logger?: Logger;
}

/** The host and port an amqp(s) URL connects to (IPv6 brackets removed; default ports 5672/5671). */
export function probeTarget(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const port = parsed.port === '' ? (parsed.protocol === 'amqps:' ? 5671 : 5672) : Number(parsed.port);
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/** The real check: net.connect, destroyed as soon as it connects, fails, times out or is aborted. */
export const checkPort: PortCheck = (host, port, timeoutMs, signal) => new Promise<boolean>((resolve) => {
  const socket = net.connect({ host, port });
  const finish = (isOpen: boolean): void => {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    socket.destroy();
    resolve(isOpen);
  };
  const onAbort = (): void => finish(false);
  const timer = setTimeout(() => finish(false), timeoutMs);
  socket.once('connect', () => finish(true));
  socket.once('error', () => finish(false));
  signal.addEventListener('abort', onAbort, { once: true });
});

export class ReachabilityProbe {
  readonly #options: ReachabilityProbeOptions;
  readonly #policy = new ProbeDialPolicy();
  readonly #timers = new TimerSet();
  #interval: OwnedTimer | undefined;
  /** The probe in flight (at most one); aborting it destroys its socket. */
  #inFlight: AbortController | undefined;
  /** A bad target was logged in this outage (once is enough: the probe runs every few hundred ms). */
  #hasReportedTarget = false;

  constructor(options: ReachabilityProbeOptions) {
    this.#options = options;
  }

  /** Starts probing every intervalMs (idempotent: a running probe keeps its policy state). */
  start(): void {
    if (this.#interval || this.#options.intervalMs <= 0) return;
    this.#interval = this.#timers.every(this.#options.intervalMs, () => this.#probe());
  }

  /** Stops probing, aborts the probe in flight and forgets this outage (next start() begins afresh). */
  stop(): void {
    this.#interval?.cancel();
    this.#interval = undefined;
    this.#inFlight?.abort();
    this.#inFlight = undefined;
    this.#policy.reset();
    this.#hasReportedTarget = false;
  }

  /** A redial was made now (`isProbeTriggered`: pulled forward by onReachable); the policy spaces the next ones. */
  recordRedial(isProbeTriggered: boolean): void {
    this.#policy.recordDial((this.#options.now ?? Date.now)(), isProbeTriggered);
  }

  /** Stops for good: start() does nothing afterwards. */
  close(): void {
    this.stop();
    this.#timers.close();
  }

  #probe(): void {
    if (this.#inFlight) return; // at most one probe in flight
    let target: { host: string; port: number };
    try {
      target = probeTarget(this.#options.target());
    } catch (error) {
      this.#reportTarget(error); // a throw here would escape setInterval and kill the process
      return;
    }
    const { host, port } = target;
    const controller = new AbortController();
    this.#inFlight = controller;
    const check = this.#options.check ?? checkPort;
    // A check never rejects by contract; a throwing fake counts as closed. Nothing awaits the probe, so its
    // chain ends in a catch: an unhandled rejection would end the process.
    void Promise.resolve().then(() => check(host, port, PROBE_TIMEOUT_MS, controller.signal)).catch(() => false).then((isOpen) => {
      if (this.#inFlight !== controller) return; // stopped (or restarted) meanwhile
      this.#inFlight = undefined;
      if (this.#policy.observe(isOpen ? 'open' : 'closed', (this.#options.now ?? Date.now)())) this.#options.onReachable();
    }).catch((error: unknown) => {
      this.#options.logger?.error({ code: 'WARREN_ERR_WORKER_INTERNAL', err: error }, 'the reachability probe failed unexpectedly; it keeps running');
    });
  }

  #reportTarget(error: unknown): void {
    if (this.#hasReportedTarget) return;
    this.#hasReportedTarget = true;
    let url = '(unreadable)';
    try {
      url = hideBrokerUrlPassword(this.#options.target());
    } catch {
      // the target itself threw; the URL stays unknown
    }
    // Not the error itself: Node's TypeError carries the raw URL (with its password) as `input`.
    const reason = error instanceof Error ? error.name : typeof error;
    this.#options.logger?.error({ code: 'WARREN_ERR_AMQP_CONN_INVALID', url, reason }, `cannot probe ${url}: it does not parse as a URL; redials go on without the probe`);
  }
}
