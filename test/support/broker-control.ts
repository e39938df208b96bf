/*
 * Broker control for chaos tests: thin rabbitmqctl wrappers (execFile, each with a timeout) that
 * restart, stop and inspect the local RabbitMQ node, plus `withBrokerRestored`, which always brings
 * the node back. Does not judge results: tests assert on what these return.
 */
import { execFile } from 'node:child_process';
import amqplib from 'amqplib';
import { DEFAULT_TEST_AMQP_URL } from './require-broker.js';

export const RABBITMQCTL = process.env.WARREN_TEST_RABBITMQCTL ?? 'rabbitmqctl';
export const RABBITMQ_SERVER = process.env.WARREN_TEST_RABBITMQ_SERVER ?? 'rabbitmq-server';
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
const STARTUP_TIMEOUT_MS = 60_000;

/** The result of a command that failed, for messages. */
export class BrokerCommandError extends Error {
  constructor(readonly command: string, readonly stderr: string, options: { cause?: unknown } = {}) {
    super(`broker command failed: ${command}\n${stderr.trim()}`, options);
    this.name = 'BrokerCommandError';
  }
}

/** Runs a command to completion; rejects with BrokerCommandError (its output included). `env` replaces the environment. */
export function runCommand(file: string, args: readonly string[], timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new BrokerCommandError(`${file} ${args.join(' ')}`, `${stderr}\n${stdout}`, { cause: error }));
      else resolve(stdout);
    });
  });
}

function rabbitmqctl(args: readonly string[], timeoutMs?: number): Promise<string> {
  return runCommand(RABBITMQCTL, ['-q', ...args], timeoutMs);
}

async function rabbitmqctlJson<T>(args: readonly string[]): Promise<T[]> {
  const out = await rabbitmqctl([...args, '--formatter', 'json']);
  const text = out.trim();
  return text === '' ? [] : (JSON.parse(text) as T[]);
}

/** Closes every client connection with 320 CONNECTION_FORCED and the given reason. */
export async function closeAllConnections(reason = 'warren chaos test'): Promise<void> {
  try {
    await rabbitmqctl(['close_all_connections', reason]);
  } catch (error) {
    // Another process (a benchmark, a colleague's chaos run) may have the app stopped right now:
    // wait for it to be back once, rather than fail this test for their restart.
    console.warn(`[chaos] close_all_connections failed (${(error as Error).message.split('\n')[1] ?? ''}); waiting for the broker and retrying`);
    await awaitStartup();
    await rabbitmqctl(['close_all_connections', reason]);
  }
}

/**
 * Whether `connection` belongs to a driver configured with `connectionName`: the driver names its two connections
 * `<name>/publish` and `<name>/consume` (raw amqplib clients in tests use the bare name).
 */
export function isConnectionOf(connection: { connectionName: string | undefined }, connectionName: string): boolean {
  const name = connection.connectionName;
  return name === connectionName || name === `${connectionName}/publish` || name === `${connectionName}/consume`;
}

/** The broker's connections that belong to `connectionName` (see isConnectionOf), sorted by name. */
export async function connectionsOf(connectionName: string): Promise<ConnectionInfo[]> {
  return (await listConnections()).filter((c) => isConnectionOf(c, connectionName)).sort((a, b) => String(a.connectionName).localeCompare(String(b.connectionName)));
}

/**
 * The pids, as close_connection takes them (`<rabbit@host.N.N.N>`: the JSON listing's `#PID<...>` form is refused),
 * of the connections whose connection_name is exactly `connectionName`.
 */
async function closablePidsNamed(connectionName: string): Promise<string[]> {
  const text = await rabbitmqctl(['list_connections', 'pid', 'client_properties']);
  const marker = `{"connection_name","${connectionName}"}`;
  return text.split('\n').filter((line) => line.includes(marker)).map((line) => line.split('\t')[0] as string);
}

/** Forces closed (CONNECTION_FORCED with `reason`) every connection named exactly `connectionName`; returns how many. */
export async function closeConnectionsExactlyNamed(connectionName: string, reason: string): Promise<number> {
  const pids = await closablePidsNamed(connectionName);
  for (const pid of pids) await rabbitmqctl(['close_connection', pid, reason]);
  return pids.length;
}

/** Set while this process has stopped the broker and not started it again (for the exit safety net). */
let brokerStoppedHere = false;

/** Whether this process stopped the broker (app or node) and has not brought it back yet. */
export function hasStoppedBroker(): boolean {
  return brokerStoppedHere;
}

/** Stops the RabbitMQ application; the Erlang node keeps running (every connection is closed). */
export async function stopApp(): Promise<void> {
  brokerStoppedHere = true;
  await rabbitmqctl(['stop_app']);
}

/** Starts the RabbitMQ application again and waits until it serves. */
export async function startApp(): Promise<void> {
  await rabbitmqctl(['start_app'], STARTUP_TIMEOUT_MS);
  await awaitStartup();
  brokerStoppedHere = false;
}

/** Stops the whole node (the Erlang VM exits) and waits until it is gone. */
export async function stopNode(): Promise<void> {
  brokerStoppedHere = true;
  await rabbitmqctl(['shutdown'], STARTUP_TIMEOUT_MS);
}

/** Starts the node detached and waits until the app serves. */
export async function startNode(): Promise<void> {
  await runCommand(RABBITMQ_SERVER, ['-detached']);
  await awaitStartup();
  brokerStoppedHere = false;
}

/**
 * Waits until the node runs the app. `await_startup` fails at once while the node is still booting
 * (not yet registered with epmd), so it is retried until the deadline.
 */
export async function awaitStartup(timeoutMs = STARTUP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await rabbitmqctl(['await_startup', '--timeout', String(Math.ceil(timeoutMs / 1000))], timeoutMs);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export type BrokerHealth = 'running' | 'app-stopped' | 'node-down';

/** What the node is doing right now. */
export async function brokerHealth(): Promise<BrokerHealth> {
  try {
    await rabbitmqctl(['status'], 15_000);
    return 'running';
  } catch {
    try {
      await rabbitmqctl(['ping'], 15_000);
      return 'app-stopped';
    } catch {
      return 'node-down';
    }
  }
}

/** Brings the broker back whatever state it is in: start_app when only the app stopped, start the node when down. */
export async function restoreBroker(): Promise<void> {
  const health = await brokerHealth();
  if (health === 'running') {
    brokerStoppedHere = false;
    return;
  }
  if (health === 'app-stopped') await startApp();
  else await startNode();
}

/** Runs `fn` and always restores the broker afterwards, even when `fn` throws. */
export async function withBrokerRestored<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await restoreBroker();
  }
}

/** Deletes a queue out of band (consumers see basic.cancel). Missing queues are ignored. */
export async function deleteQueue(name: string): Promise<void> {
  try {
    await rabbitmqctl(['delete_queue', name]);
  } catch (error) {
    if (error instanceof BrokerCommandError && /not[_ ]found|no queue/i.test(error.stderr)) return;
    throw error;
  }
}

export interface QueueInfo {
  readonly name: string;
  readonly messages: number;
  readonly messagesReady: number;
  readonly messagesUnacknowledged: number;
  readonly consumers: number;
  readonly arguments: Record<string, unknown>;
}

export async function listQueues(): Promise<QueueInfo[]> {
  type Raw = {
    name: string; messages: number; messages_ready: number; messages_unacknowledged: number; consumers: number;
    arguments: Array<[string, string, unknown]> | Record<string, unknown>;
  };
  const rows = await rabbitmqctlJson<Raw>([
    'list_queues', 'name', 'messages', 'messages_ready', 'messages_unacknowledged', 'consumers', 'arguments',
  ]);
  return rows.map((row) => ({
    name: row.name,
    messages: row.messages,
    messagesReady: row.messages_ready,
    messagesUnacknowledged: row.messages_unacknowledged,
    consumers: row.consumers,
    arguments: Array.isArray(row.arguments) ? Object.fromEntries(row.arguments.map(([k, , v]) => [k, v])) : row.arguments,
  }));
}

export interface ConnectionInfo {
  readonly pid: string;
  readonly name: string;
  readonly state: string;
  readonly connectionName: string | undefined;
  readonly connectedAtMs: number;
  readonly channels: number;
}

export async function listConnections(): Promise<ConnectionInfo[]> {
  type Raw = {
    pid: string; name: string; state: string; connected_at: number; channels: number;
    // "none" (not a list) while the connection is still in its handshake (state "starting").
    client_properties: Array<[string, string, unknown]> | string;
  };
  const rows = await rabbitmqctlJson<Raw>(['list_connections', 'pid', 'name', 'state', 'connected_at', 'channels', 'client_properties']);
  return rows.map((row) => {
    const nameProperty = Array.isArray(row.client_properties)
      ? row.client_properties.find(([key]) => key === 'connection_name')
      : undefined;
    return {
      pid: row.pid,
      name: row.name,
      state: row.state,
      connectionName: typeof nameProperty?.[2] === 'string' ? nameProperty[2] : undefined,
      connectedAtMs: row.connected_at,
      channels: row.channels,
    };
  });
}

/**
 * Deletes every queue whose name starts with `prefix` (test cleanup); returns the names deleted.
 * Lists again after deleting, because a closing client may still re-declare one, and retries while
 * the broker is briefly unavailable (another test restarting it); gives up after `timeoutMs`.
 */
export async function deleteQueuesWithPrefix(prefix: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const deleted = new Set<string>();
  for (;;) {
    try {
      const names = (await listQueues()).map((q) => q.name).filter((name) => name.startsWith(prefix));
      if (names.length === 0) return [...deleted];
      await deleteQueuesNamed(names);
      for (const name of names) deleted.add(name);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) {
      const left = (await listQueues().catch(() => [])).filter((q) => q.name.startsWith(prefix));
      const connections = (await listConnections().catch(() => [])).map((c) => c.connectionName ?? c.name);
      throw new Error(`queues with prefix ${prefix} keep reappearing: ${left.map((q) => `${q.name} (${q.consumers} consumers)`).join(', ')}; `
        + `connections open: ${connections.join(', ') || 'none'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Deletes `names` over one AMQP connection (one rabbitmqctl call per queue takes seconds on a busy machine: a
 * cleanup then ran out of time), or with rabbitmqctl when the broker does not take AMQP connections.
 */
async function deleteQueuesNamed(names: readonly string[]): Promise<void> {
  let connection: amqplib.ChannelModel | undefined;
  try {
    connection = await amqplib.connect(process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL);
  } catch {
    for (const name of names) await deleteQueue(name);
    return;
  }
  try {
    connection.on('error', () => undefined);
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteQueue(name);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** RabbitMQ's default vm_memory_high_watermark (fraction of RAM); what every test leaves behind. */
export const DEFAULT_MEMORY_HIGH_WATERMARK = 0.4;
let memoryAlarmForced = false;

/** Whether a test forced the memory alarm and has not lifted it yet (the exit safety net lifts it). */
export function isMemoryAlarmForced(): boolean {
  return memoryAlarmForced;
}

/** Sets vm_memory_high_watermark; a tiny value raises the memory alarm, which blocks publishing connections. */
export async function setMemoryHighWatermark(fraction: number): Promise<void> {
  await rabbitmqctl(['set_vm_memory_high_watermark', String(fraction)]);
}

/** Runs `fn` under a memory alarm (publishers get connection.blocked) and always lifts it afterwards. */
export async function withMemoryAlarm<T>(fn: () => Promise<T>): Promise<T> {
  memoryAlarmForced = true;
  try {
    await setMemoryHighWatermark(0.000_001);
    return await fn();
  } finally {
    await setMemoryHighWatermark(DEFAULT_MEMORY_HIGH_WATERMARK);
    memoryAlarmForced = false;
  }
}

/** Applies a queue policy (e.g. `{ 'max-length': 0, overflow: 'reject-publish' }`) to queues named exactly `queue`. */
export async function setQueuePolicy(name: string, queue: string, definition: Record<string, unknown>): Promise<void> {
  const pattern = `^${queue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  await rabbitmqctl(['set_policy', '--apply-to', 'queues', '--priority', '100', name, pattern, JSON.stringify(definition)]);
}

/** Removes a policy set by setQueuePolicy; a missing one is ignored. */
export async function clearPolicy(name: string): Promise<void> {
  await rabbitmqctl(['clear_policy', name]).catch(() => undefined);
}

/** RabbitMQ 3.10's default max_message_size (128 MiB); what every test leaves behind. */
export const DEFAULT_MAX_MESSAGE_SIZE = 134_217_728;

/** Sets the broker's max_message_size at runtime (new channels use it); restore DEFAULT_MAX_MESSAGE_SIZE in a finally. */
export async function setMaxMessageSize(bytes: number): Promise<void> {
  await rabbitmqctl(['eval', `application:set_env(rabbit, max_message_size, ${Math.floor(bytes)}).`]);
}

/** Creates vhost `vhost` and user `user` (password = user) with the given configure/write/read permission regexes there. */
export async function createRestrictedUser(vhost: string, user: string, permissions: { configure: string; write: string; read: string }): Promise<void> {
  await rabbitmqctl(['add_vhost', vhost]);
  await rabbitmqctl(['add_user', user, user]);
  await rabbitmqctl(['set_permissions', '-p', vhost, user, permissions.configure, permissions.write, permissions.read]);
}

/** Deletes what createRestrictedUser made (the vhost with its queues); missing ones are ignored. */
export async function deleteRestrictedUser(vhost: string, user: string): Promise<void> {
  await rabbitmqctl(['delete_user', user]).catch(() => undefined);
  await rabbitmqctl(['delete_vhost', vhost]).catch(() => undefined);
}

/**
 * Creates user `user` with `password` and full permissions on vhost "/" (for tests that need a password of their own).
 * One `rabbitmqctl eval` rather than add_user + set_permissions: each rabbitmqctl call costs about 3 s.
 */
export async function createUser(user: string, password: string): Promise<void> {
  for (const value of [user, password]) if (!/^[\w.-]+$/.test(value)) throw new Error(`createUser: use letters, digits, '.', '-' and '_' only: ${value}`);
  await rabbitmqctl(['eval', `rabbit_auth_backend_internal:add_user(<<"${user}">>, <<"${password}">>, <<"warren-test">>), ` +
    `rabbit_auth_backend_internal:set_permissions(<<"${user}">>, <<"/">>, <<".*">>, <<".*">>, <<".*">>, <<"warren-test">>).`]);
}

/** Deletes a user made by createUser (its connections are closed by the broker); a missing one is ignored. */
export async function deleteUser(user: string): Promise<void> {
  if (!/^[\w.-]+$/.test(user)) throw new Error(`deleteUser: unexpected name ${user}`);
  await rabbitmqctl(['eval', `rabbit_auth_backend_internal:delete_user(<<"${user}">>, <<"warren-test">>).`]).catch(() => undefined);
}
