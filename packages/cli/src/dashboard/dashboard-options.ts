/*
 * Options of the dashboard server and their defaults (the CLI README: port 9401 on 127.0.0.1,
 * read-only unless actions are allowed). Parsing flags into these is commands/dashboard.ts's job.
 */
import type { Logger } from '@warren/core';

export const DEFAULT_DASHBOARD_PORT = 9401;
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';
/** How often the page asks for fresh numbers; each refresh costs the broker a few passive declares. */
export const DEFAULT_REFRESH_MS = 2_000;
/** How often the delay ladder is scanned for delay queues other processes declared (~170 passive checks a pipeline). */
export const DELAY_SCAN_INTERVAL_MS = 15_000;
/** Dead letters read per listing; peeking holds them unacked briefly, so keep it bounded. */
export const MAX_DEAD_LETTERS_LISTED = 200;

export interface DashboardServerOptions {
  /** 0 picks a free port; read the bound one from `start()`. */
  readonly port: number;
  readonly host: string;
  /** Replay and purge buttons work only when true; otherwise the API answers 403. */
  readonly allowActions: boolean;
  readonly refreshMs: number;
  readonly logger?: Logger;
}
