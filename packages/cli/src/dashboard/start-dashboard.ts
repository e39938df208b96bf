/*
 * Wires a dashboard for a Warren: the rate source, the snapshot builder and the server, started.
 * Shared by `warren dashboard` (its own Warren, rates from worker /metrics URLs or the broker) and
 * `warren run --dashboard` (the worker's own Warren and metrics registry).
 */
import type { Warren } from '@warren/core';
import type { DashboardServerOptions } from './dashboard-options.js';
import { DashboardServer } from './dashboard-server.js';
import { SnapshotBuilder } from './dashboard-snapshot.js';
import { RateSampler } from './rate-sampler.js';

export interface StartDashboardOptions extends DashboardServerOptions {
  /** True inside `warren run`: memory pipelines are this process's own. */
  readonly inProcess: boolean;
  /** Where the job counters come from: this process's metrics text, or worker /metrics texts; none: the broker only. */
  readonly counters?: { readonly source: 'workers' | 'in-process'; readonly read: () => Promise<string[]> };
}

export interface StartedDashboard {
  readonly server: DashboardServer;
  readonly url: string;
}

/** Starts the dashboard; close `server` to stop it (the Warren stays the caller's). */
export async function startDashboard(warren: Warren, options: StartDashboardOptions): Promise<StartedDashboard> {
  const rates = options.counters && new RateSampler({ source: options.counters.source, read: options.counters.read, minIntervalMs: Math.min(1_000, options.refreshMs) });
  const snapshots = new SnapshotBuilder(warren, { refreshMs: options.refreshMs, allowActions: options.allowActions, inProcess: options.inProcess, rates });
  const server = new DashboardServer(warren, snapshots, options);
  const address = await server.start();
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return { server, url: `http://${host}:${address.port}/` };
}
