/*
 * ReachabilityProbe: while the connection manager waits between redials, checks every `intervalMs` whether
 * the broker's port accepts TCP again (a plain connect, closed at once: no AMQP bytes) and, when
 * ProbeDialPolicy allows, asks for the redial now. Owns its interval timer and at most one probe socket
 * (aborted by stop/close). Does not dial AMQP and does not decide the schedule (redial-scheduler.ts).
 */
import { TimerSet, type OwnedTimer } from '@warren/core';
import net from 'node:net';
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
    const controller = new AbortController();
    this.#inFlight = controller;
    const { host, port } = probeTarget(this.#options.target());
    const check = this.#options.check ?? checkPort;
    // A check never rejects by contract; a throwing fake counts as closed. Nothing awaits the probe.
    void check(host, port, PROBE_TIMEOUT_MS, controller.signal).catch(() => false).then((isOpen) => {
      if (this.#inFlight !== controller) return; // stopped (or restarted) meanwhile
      this.#inFlight = undefined;
      if (this.#policy.observe(isOpen ? 'open' : 'closed', (this.#options.now ?? Date.now)())) this.#options.onReachable();
    });
  }
}
