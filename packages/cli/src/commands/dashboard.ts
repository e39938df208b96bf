/*
 * `warren dashboard`: serves a web page of the config's pipelines (depth, consumers, rates, delay queues,
 * dead letters) until SIGINT/SIGTERM. Read-only unless --allow-actions; binds 127.0.0.1 unless --host.
 * Job rates come from the workers' /metrics (--metrics) or, without it, dead-letter growth on the broker.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT, DEFAULT_REFRESH_MS } from '../dashboard/dashboard-options.js';
import { scrapeMetrics } from '../dashboard/rate-sampler.js';
import { startDashboard } from '../dashboard/start-dashboard.js';
import { configOption } from '../runtime/config-path.js';
import { openWarren } from '../runtime/open-warren.js';
import { parseDurationOption, parseIntegerOption, parseListOption } from '../runtime/parse-options.js';

interface DashboardOptions {
  readonly config: string;
  readonly port: string;
  readonly host: string;
  readonly allowActions?: boolean;
  readonly metrics?: string;
  readonly refresh: string;
}

export function registerDashboardCommand(program: Command, context: CliContext): void {
  program
    .command('dashboard')
    .description('serve a web page of pipelines, rates and dead letters (read-only unless --allow-actions)')
    .addOption(configOption())
    .option('--port <port>', 'port to listen on (0 picks a free one)', String(DEFAULT_DASHBOARD_PORT))
    .option('--host <host>', 'address to bind; anything but loopback exposes queue contents to the network', DEFAULT_DASHBOARD_HOST)
    .option('--allow-actions', 'enable the replay and purge buttons (each asks for confirmation)')
    .option('--metrics <urls>', 'workers\' /metrics URLs (comma-separated) for handled/failed/retried rates')
    .option('--refresh <duration>', 'how often the page refreshes', `${DEFAULT_REFRESH_MS / 1000}s`)
    .action(async (options: DashboardOptions) => {
      const { io } = context;
      const port = parseIntegerOption(options.port, '--port', 0, 65_535);
      const refreshMs = Math.max(500, parseDurationOption(options.refresh, '--refresh'));
      const metricsUrls = options.metrics === undefined ? [] : parseListOption(options.metrics);
      if (!isLoopback(options.host)) io.err(`warning: --host ${options.host} lets anyone who can reach this machine read the queues' messages${options.allowActions ? ' and replay or purge them' : ''}`);
      const warren = await openWarren(io, { config: options.config, loadModules: false });
      try {
        const { server, url } = await startDashboard(warren, {
          port, host: options.host, allowActions: options.allowActions === true, refreshMs, inProcess: false, logger: warren.logger,
          ...(metricsUrls.length > 0 ? { counters: { source: 'workers' as const, read: scrapeMetrics(metricsUrls) } } : {}),
        });
        io.out(`warren dashboard on ${url} (${options.allowActions ? 'replay and purge allowed' : 'read-only'}); Ctrl-C stops it`);
        await untilSignal();
        await server.close();
      } finally {
        await warren.close({ timeoutMs: 5_000 });
      }
    });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
