/*
 * The consumption breaker states of a running worker, for `warren status`: they live in the worker process, not on
 * the broker, so status asks the worker's /health (which lists them) at the http.port of the same config. Never
 * throws: a worker that does not answer (not running, another host, http disabled) yields undefined.
 */
import type { WarrenConfig } from '@warren/core';

/** Per pipeline, each breaker's state (`pipeline`, `job:<name>`). */
export type WorkerBreakers = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The worker URL status asks by default: this config's http.port on this host; undefined when http is disabled. */
export function defaultWorkerUrl(config: WarrenConfig): string | undefined {
  if (!config.http.enabled) return undefined;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

/** GET <url>/health within `timeoutMs`; the `breakers` it lists, or undefined. */
export async function readWorkerBreakers(url: string, timeoutMs = 1_000): Promise<WorkerBreakers | undefined> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json()) as { breakers?: unknown };
    return typeof body.breakers === 'object' && body.breakers !== null ? (body.breakers as WorkerBreakers) : undefined;
  } catch {
    return undefined;
  }
}
