/*
 * The one startup log line of `warren run`: which pipelines are consumed, by which driver, with what
 * concurrency and which handlers, and where /health, /ready and /metrics are served.
 */
import type { WarrenConfig } from '@warren/core';

export interface StartupPipeline {
  readonly name: string;
  readonly driver: string;
  readonly concurrency: number;
  readonly handlers: string[];
}

export interface StartupSummary {
  readonly pipelines: StartupPipeline[];
  readonly drivers: string[];
  readonly http: { readonly host: string; readonly port: number; readonly url: string } | undefined;
  readonly shutdownTimeoutMs: number;
}

/** The summary for the consumed pipelines; `handlersOf` lists the job names bound to a pipeline. */
export function startupSummary(
  config: WarrenConfig,
  consumed: readonly string[],
  handlersOf: (pipeline: string) => string[],
  http: { host: string; port: number } | undefined,
): StartupSummary {
  const pipelines = consumed.map((name) => {
    const pipeline = config.jobs.pipelines[name];
    return { name, driver: pipeline?.driver ?? 'unknown', concurrency: pipeline?.concurrency ?? 0, handlers: handlersOf(name) };
  });
  return {
    pipelines,
    drivers: [...new Set(pipelines.map((p) => p.driver))],
    http: http && { ...http, url: `http://${http.host.includes(':') ? `[${http.host}]` : http.host}:${http.port}` },
    shutdownTimeoutMs: config.jobs.shutdownTimeoutMs,
  };
}

/** The human part of the log line: `warren started: emails (amqp ×10, 2 handlers); http://127.0.0.1:9400`. */
export function startupMessage(summary: StartupSummary): string {
  const pipelines = summary.pipelines.map((p) => `${p.name} (${p.driver} ×${p.concurrency}, ${p.handlers.length} handler${p.handlers.length === 1 ? '' : 's'})`);
  const http = summary.http ? `; health/metrics on ${summary.http.url}` : '; http disabled';
  return `warren started: ${pipelines.join(', ') || 'no pipelines consumed'}${http}`;
}
