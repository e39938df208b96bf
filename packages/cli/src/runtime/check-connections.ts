/*
 * `warren doctor --connect`: starts each driver the config uses, checks it reaches `ready` (the broker
 * is reachable with these credentials and existing queues match the declared topology), then closes
 * it. Never consumes or publishes. Reports per driver; it does not print.
 */
import { driverRegistry, isWarrenError, type DriverRegistry, type Logger, type WarrenConfig } from '@warren/core';

export interface ConnectionCheck {
  readonly driver: string;
  readonly ok: boolean;
  /** `ready`, or why not: the error message with its code, or the state it was stuck in. */
  readonly detail: string;
  readonly error?: unknown;
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
