/*
 * `warren doctor --connect`: for each driver the config uses, checks that the broker is reachable with
 * these credentials and that existing queues match the declared topology. A driver that can verify its
 * topology without changing the broker (Driver.verifyTopology) does so; any other is started until it
 * reaches `ready`, then closed. Never consumes or publishes. Reports per driver; it does not print.
 */
import {
  driverRegistry, isWarrenError, type Driver, type DriverRegistry, type Logger, type TopologyFinding, type WarrenConfig,
} from '@warren/core';

export interface ConnectionCheck {
  readonly driver: string;
  readonly ok: boolean;
  /** `ready`, or why not: the error message with its code, or the state it was stuck in. */
  readonly detail: string;
  readonly error?: unknown;
  /** Per queue, when the driver verified its topology without changing the broker. */
  readonly findings?: readonly TopologyFinding[];
}

export interface CheckConnectionsOptions {
  readonly logger: Logger;
  /** How long a driver may take to become ready. */
  readonly timeoutMs: number;
  readonly registry?: DriverRegistry;
}

/** Starts and closes every driver used by a consumed-or-defined pipeline; one result per driver. */
export async function checkConnections(config: WarrenConfig, options: CheckConnectionsOptions): Promise<ConnectionCheck[]> {
  const registry = options.registry ?? driverRegistry;
  const byDriver = new Map<string, Array<{ name: string; concurrency: number; options: unknown }>>();
  for (const [name, pipeline] of Object.entries(config.jobs.pipelines)) {
    const list = byDriver.get(pipeline.driver) ?? [];
    list.push({ name, concurrency: pipeline.concurrency, options: pipeline.options });
    byDriver.set(pipeline.driver, list);
  }
  const results: ConnectionCheck[] = [];
  for (const [name, pipelines] of byDriver) {
    const driver = registry.get(name).create({ pipelines, section: config.drivers[name], logger: options.logger });
    if (driver.verifyTopology) {
      results.push(await verifyWithoutChanges(name, driver, options.timeoutMs));
      continue;
    }
    // The latest reason the driver gave for not being ready (a refused connection, a 403, a mismatch).
    let lastCause: unknown;
    const offState = driver.events.on('driver:state', ({ cause }) => void (cause instanceof Error && (lastCause = cause)));
    const offError = driver.events.on('error', ({ error }) => void (lastCause = error));
    try {
      await withDeadline(driver.start(), options.timeoutMs);
      const state = await waitForState(() => driver.status().state, options.timeoutMs);
      if (state === 'ready') results.push({ driver: name, ok: true, detail: 'ready' });
      else if (lastCause !== undefined) results.push({ driver: name, ok: false, detail: `${describe(lastCause)} (state ${state})`, error: lastCause });
      else results.push({ driver: name, ok: false, detail: `not ready after ${options.timeoutMs} ms (state ${state})` });
    } catch (error) {
      results.push({ driver: name, ok: false, detail: describe(error), error });
    } finally {
      offState();
      offError();
      await driver.close({ timeoutMs: 2_000 }).catch(() => undefined); // a close failure changes no verdict
    }
  }
  return results;
}

/** Beyond its own deadline, how long a driver's verifyTopology may take before doctor stops waiting (a safety net). */
const VERIFY_GRACE_MS = 5_000;

/** Runs Driver.verifyTopology: ok unless the broker is unreachable or a queue exists but cannot be used as declared. */
async function verifyWithoutChanges(name: string, driver: Driver, timeoutMs: number): Promise<ConnectionCheck> {
  try {
    // The driver owns the deadline (it stops dialing and drops its connection); this only guards against one that does not.
    const findings = await withDeadline(driver.verifyTopology?.({ timeoutMs }) ?? Promise.resolve([]), timeoutMs + VERIFY_GRACE_MS);
    const problems = findings.filter((finding) => finding.status === 'mismatch' || finding.status === 'unusable');
    if (problems.length > 0) {
      return { driver: name, ok: false, detail: problems.map((finding) => `queue ${finding.queue}: ${finding.detail}`).join('; '), error: problems[0]?.error, findings };
    }
    const missing = findings.filter((finding) => finding.status === 'missing').length;
    const summary = missing === 0 ? 'every queue exists as declared' : `${missing} of ${findings.length} queues do not exist yet (warren run declares them)`;
    return { driver: name, ok: true, detail: `reachable; ${summary}; nothing was changed`, findings };
  } catch (error) {
    return { driver: name, ok: false, detail: describe(error), error };
  } finally {
    await driver.close({ timeoutMs: 2_000 }).catch(() => undefined); // never started; a close failure changes no verdict
  }
}

function describe(error: unknown): string {
  if (isWarrenError(error)) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** Polls a state until it is `ready` or terminal, or the deadline passes; returns the last state. */
async function waitForState(read: () => string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let state = read();
  while (state !== 'ready' && state !== 'failed' && state !== 'closed' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    state = read();
  }
  return state;
}

function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
