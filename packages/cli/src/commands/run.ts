/*
 * `warren run`: validates the config, starts Warren with the health/metrics server, and runs until
 * SIGTERM/SIGINT (graceful drain, exit 0) or a second signal (forced, exit 130) or a failed driver
 * (exit 1). The shutdown decision is ShutdownController's; the wiring is here. With --dashboard it also
 * serves the dashboard page (dashboard/), with rates from this worker's own metrics.
 */
import type { Command } from 'commander';
import { HealthServer, Warren, WarrenMetrics, assertConfig, loadConfig, type Logger } from '@warren/core';
import type { CliContext } from '../cli-context.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT, DEFAULT_REFRESH_MS } from '../dashboard/dashboard-options.js';
import type { DashboardServer } from '../dashboard/dashboard-server.js';
import { startDashboard } from '../dashboard/start-dashboard.js';
import { createCliLogger } from '../output/create-cli-logger.js';
import { configOption, resolveConfigPath } from '../runtime/config-path.js';
import { parseIntegerOption, parseListOption } from '../runtime/parse-options.js';
import { registerDriverPackages } from '../runtime/register-driver-packages.js';
import { ShutdownController, type ShutdownRequest } from '../runtime/shutdown-controller.js';
import { startupMessage, startupSummary } from '../runtime/startup-summary.js';

/** How long a forced exit waits for forceClose() to requeue before exiting anyway. */
const FORCE_CLOSE_GRACE_MS = 3_000;

interface RunOptions {
  readonly config: string;
  readonly pipelines?: string;
  readonly port?: string;
  readonly host?: string;
  readonly http: boolean;
  /** true: the default port; a string: the port given. */
  readonly dashboard?: boolean | string;
  readonly dashboardHost: string;
  readonly allowActions?: boolean;
}

export function registerRunCommand(program: Command, context: CliContext): void {
  program
    .command('run')
    .description('run workers until SIGTERM/SIGINT; serve /health, /ready and /metrics')
    .addOption(configOption())
    .option('--pipelines <names>', 'consume only these pipelines (comma-separated; default jobs.consume)')
    .option('--port <port>', 'health/metrics port (overrides http.port; 0 picks a free one)')
    .option('--host <host>', 'health/metrics host (overrides http.host)')
    .option('--no-http', 'do not serve /health, /ready and /metrics')
    .option('--dashboard [port]', `also serve the dashboard page (default port ${DEFAULT_DASHBOARD_PORT})`)
    .option('--dashboard-host <host>', 'address the dashboard binds', DEFAULT_DASHBOARD_HOST)
    .option('--allow-actions', 'enable the dashboard\'s replay and purge buttons')
    .action(async (options: RunOptions) => {
      context.exitCode = await runWorker(options, context);
    });
}

async function runWorker(options: RunOptions, context: CliContext): Promise<ExitCode> {
  const { io } = context;
  await registerDriverPackages();
  const file = resolveConfigPath(io.cwd, options.config);
  // Read once here for the logger and http settings; Warren.fromConfig logs the warnings.
  const config = assertConfig(await loadConfig(file, { env: io.env })); // every error listed, exit 2
  const logger = createCliLogger({ level: config.log.level, pretty: config.log.pretty, isTty: io.isTty, env: io.env });
  const port = options.port === undefined ? config.http.port : parseIntegerOption(options.port, '--port', 0, 65_535);
  const pipelines = options.pipelines === undefined ? undefined : parseListOption(options.pipelines);
  const dashboardPort = options.dashboard === undefined || options.dashboard === false ? undefined
    : options.dashboard === true ? DEFAULT_DASHBOARD_PORT : parseIntegerOption(options.dashboard, '--dashboard', 0, 65_535);

  const warren = await Warren.fromConfig(file, { logger, env: io.env });
  const controller = new ShutdownController({
    onForce: (signal) => forceExit(warren, logger, signal, context),
    onTransition: ({ from, to, reason }) => logger.debug({ from, to, reason }, `shutdown: ${to}`), // the signal's own line is at info
  });
  controller.install();
  const offFailed = warren.events.on('driver:state', ({ driver, to }) => {
    if (to === 'failed') controller.fail(`driver ${driver} failed`);
  });
  const metrics = new WarrenMetrics();
  metrics.attach(warren);
  const server = options.http && config.http.enabled
    ? new HealthServer({ port, host: options.host ?? config.http.host, probe: () => warren.health(), metrics, logger })
    : undefined;
  let dashboard: DashboardServer | undefined;
  try {
    const address = await server?.start();
    // Before consuming, so a port that is taken stops the worker before it takes any job.
    if (dashboardPort !== undefined) {
      const started = await startDashboard(warren, {
        port: dashboardPort, host: options.dashboardHost, allowActions: options.allowActions === true, refreshMs: DEFAULT_REFRESH_MS,
        inProcess: true, logger, counters: { source: 'in-process', read: async () => [await metrics.render()] },
      });
      dashboard = started.server;
      logger.info({ url: started.url, allowActions: options.allowActions === true }, `dashboard on ${started.url}`);
    }
    await warren.run(pipelines ? { pipelines } : {});
    const consumed = pipelines ?? warren.health().pipelines.filter((p) => p.workerState !== 'not-consumed').map((p) => p.name);
    const summary = startupSummary(config, consumed, (name) => warren.registry.forPipeline(name).map((d) => d.name), address);
    logger.info({ ...summary, port: address?.port }, startupMessage(summary));
    const request = await controller.requested;
    return await shutDown(request, warren, logger, config.jobs.shutdownTimeoutMs);
  } finally {
    offFailed();
    await dashboard?.close();
    metrics.detach();
    await server?.close();
    controller.dispose();
  }
}

async function shutDown(request: ShutdownRequest, warren: Warren, logger: Logger, shutdownTimeoutMs: number): Promise<ExitCode> {
  if (request.kind === 'failure') {
    logger.error({ reason: request.reason }, `stopping: ${request.reason}; unfinished jobs are requeued`);
    await warren.forceClose().catch((error: unknown) => logger.error({ err: error }, 'force close failed'));
    return EXIT_CODES.failure;
  }
  logger.info({ signal: request.signal, shutdownTimeoutMs }, `${request.signal}: draining in-flight jobs (send it again to force exit)`);
  try {
    await warren.close();
    logger.info('warren stopped cleanly');
    return EXIT_CODES.ok;
  } catch (error) {
    logger.error({ err: error }, 'warren did not close cleanly');
    return EXIT_CODES.failure;
  }
}

/** Second signal: abort in-flight jobs without acking them (they are redelivered) and exit at once. */
function forceExit(warren: Warren, logger: Logger, signal: string, context: CliContext): void {
  logger.warn({ signal }, `${signal} again: forcing exit; in-flight jobs are not acked and will be redelivered`);
  const exit = () => context.exit(EXIT_CODES.forced);
  setTimeout(exit, FORCE_CLOSE_GRACE_MS).unref();
  warren.forceClose().then(exit, exit);
}
