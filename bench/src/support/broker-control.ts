/*
 * RabbitMQ control for the recovery and soak measurements: rabbitmqctl commands, and a guard that
 * ALWAYS restores the broker (start_app, or start the node) after a stop — in finally blocks, on
 * SIGINT/SIGTERM and on process exit. Does not decide when to break the broker (the scenarios do).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
let isAppStopped = false;
let isGuardInstalled = false;

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', args, { timeout: 120_000 });
  return stdout.trim();
}

/** Closes every client connection (the broker sends connection.close 320 CONNECTION_FORCED). */
export async function closeAllConnections(): Promise<void> {
  await rabbitmqctl('close_all_connections', 'warren bench: forced close');
}

/** Stops the RabbitMQ application (the node stays up); restoreBroker() undoes it. */
export async function stopApp(): Promise<void> {
  installBrokerGuard();
  isAppStopped = true;
  await rabbitmqctl('stop_app');
}

export async function startApp(): Promise<void> {
  await rabbitmqctl('start_app');
  isAppStopped = false;
}

/** Brings the broker back whatever state it is in: start_app, else start the node and wait for it. */
export async function restoreBroker(): Promise<void> {
  try {
    await rabbitmqctl('start_app');
  } catch {
    await run('rabbitmq-server', ['-detached'], { timeout: 60_000 }).catch(() => undefined); // may already be starting
    await rabbitmqctl('await_startup');
    await rabbitmqctl('start_app');
  }
  isAppStopped = false;
}

/** Restores the broker if this process stopped it and dies before starting it again. */
export function installBrokerGuard(): void {
  if (isGuardInstalled) return;
  isGuardInstalled = true;
  process.on('exit', () => {
    if (!isAppStopped) return;
    try {
      execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      process.stderr.write('bench: COULD NOT RESTORE RABBITMQ: run `rabbitmqctl start_app`\n');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stderr.write(`bench: ${signal}; restoring the broker before exiting\n`);
      restoreBroker().finally(() => process.exit(130));
    });
  }
}

export async function rabbitmqVersion(): Promise<string> {
  return rabbitmqctl('version').catch(() => 'unknown');
}
