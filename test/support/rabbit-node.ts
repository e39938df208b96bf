/*
 * RabbitNode: an extra RabbitMQ node of the tests' own beside the machine's default broker (which this module never
 * touches): its own node name, AMQP and distribution ports, a data directory under a temp dir owned by the
 * `rabbitmq` user, and its own RABBITMQ_CONFIG_FILE (the machine's config pins 5672). Stopped by node name and by
 * the OS pid read from that node — never by a process name. RabbitCluster (rabbit-cluster.ts) joins three of them.
 */
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RABBITMQCTL, runCommand } from './broker-control.js';

/** The RabbitMQ server script run as the `rabbitmq` user (the /usr/sbin wrapper would drop our environment). */
const RABBITMQ_SERVER_SCRIPT = process.env.WARREN_TEST_RABBITMQ_SERVER_SCRIPT ?? '/usr/lib/rabbitmq/bin/rabbitmq-server';
const BOOT_TIMEOUT_MS = 90_000;

export interface RabbitNodeSpec {
  /** Short node name; the node is `<name>@localhost`. Unique per test run. */
  readonly name: string;
  readonly amqpPort: number;
  /** Erlang distribution port: picked explicitly (RabbitMQ's default, AMQP port + 20000, may be taken). */
  readonly distPort: number;
  /** Extra rabbitmq.conf lines (a TLS listener, say). */
  readonly config?: readonly string[];
  /** Where the node's directories go; default: a new temp dir. */
  readonly baseDir?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rabbitmqUserIds(): { uid: number; gid: number } {
  // The data dirs must belong to the user the node runs as.
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith('rabbitmq:'));
  if (!line) throw new Error('there is no `rabbitmq` user on this machine: install RabbitMQ from Debian\'s packages (apt-get install rabbitmq-server)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export class RabbitNode {
  readonly nodeName: string;
  readonly dir: string;
  #pid: number | undefined;

  private constructor(readonly spec: RabbitNodeSpec, dir: string) {
    this.nodeName = `${spec.name}@localhost`;
    this.dir = dir;
  }

  /** Creates the node's directories and config and boots it; resolves once the app runs. */
  static async start(spec: RabbitNodeSpec): Promise<RabbitNode> {
    const dir = mkdtempSync(path.join(spec.baseDir ?? os.tmpdir(), `warren-${spec.name}-`));
    const node = new RabbitNode(spec, dir);
    node.#writeFiles();
    await node.boot();
    return node;
  }

  get amqpPort(): number {
    return this.spec.amqpPort;
  }

  /** guest/guest works from 127.0.0.1 (loopback_users = none on our nodes). */
  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.spec.amqpPort}`;
  }

  /** The OS pid of the node's Erlang VM, as the node wrote it at boot. */
  get pid(): number | undefined {
    return this.#pid;
  }

  #writeFiles(): void {
    const config = [
      `listeners.tcp.default = 127.0.0.1:${this.spec.amqpPort}`,
      'loopback_users = none',
      // Small disk limit: the default (50MB free) is fine, but do not let a full /tmp alarm every node at once.
      'disk_free_limit.absolute = 10MB',
      ...(this.spec.config ?? []),
    ];
    writeFileSync(path.join(this.dir, 'rabbitmq.conf'), `${config.join('\n')}\n`);
    writeFileSync(path.join(this.dir, 'rabbitmq-env.conf'), '# empty: the machine\'s rabbitmq-env.conf pins NODENAME\n');
    writeFileSync(path.join(this.dir, 'enabled_plugins'), '[].\n');
    const { uid, gid } = rabbitmqUserIds();
    for (const entry of ['', 'rabbitmq.conf', 'rabbitmq-env.conf', 'enabled_plugins']) chownSync(path.join(this.dir, entry), uid, gid);
    chmodSync(this.dir, 0o755);
  }

  #env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: '/var/lib/rabbitmq', // the shared Erlang cookie, so rabbitmqctl (as root) can reach the node
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_NODE_PORT: String(this.spec.amqpPort),
      RABBITMQ_DIST_PORT: String(this.spec.distPort),
      RABBITMQ_CONFIG_FILE: path.join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_CONF_ENV_FILE: path.join(this.dir, 'rabbitmq-env.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(this.dir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: path.join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(this.dir, 'log'),
      RABBITMQ_PID_FILE: path.join(this.dir, 'pid'),
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }

  /** rabbitmqctl against this node only. */
  ctl(args: readonly string[], timeoutMs = 30_000): Promise<string> {
    return runCommand(RABBITMQCTL, ['-q', '-n', this.nodeName, ...args], timeoutMs);
  }

  /** Boots the Erlang node (after a kill or a stop, with the same name, ports and data) and waits for the app. */
  async boot(): Promise<void> {
    await runCommand('runuser', ['-u', 'rabbitmq', '--', RABBITMQ_SERVER_SCRIPT, '-detached'], undefined, this.#env());
    // await_startup fails at once on a node not yet registered with epmd: ping first.
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    while (!(await this.ctl(['ping'], 10_000).then(() => true, () => false))) {
      if (Date.now() > deadline) throw new Error(`RabbitMQ node ${this.nodeName} did not answer ping within ${BOOT_TIMEOUT_MS} ms; its log: ${path.join(this.dir, 'log')}`);
      await sleep(250);
    }
    await this.awaitStartup(deadline - Date.now());
    this.#pid = Number((await readFile(path.join(this.dir, 'pid'), 'utf8')).trim());
  }

  async awaitStartup(timeoutMs = BOOT_TIMEOUT_MS): Promise<void> {
    await this.ctl(['await_startup', '--timeout', String(Math.max(1, Math.ceil(timeoutMs / 1000)))], timeoutMs + 5_000);
  }

  async stopApp(): Promise<void> {
    await this.ctl(['stop_app']);
  }

  async startApp(): Promise<void> {
    await this.ctl(['start_app'], BOOT_TIMEOUT_MS);
  }

  /** Boots the node if its VM is gone, starts its app if stopped; resolves once it runs. */
  async ensureRunning(): Promise<void> {
    if (this.#pid === undefined || !isAlive(this.#pid)) {
      await this.boot();
      return;
    }
    const isAppRunning = await this.ctl(['await_startup', '--timeout', '1'], 10_000).then(() => true, () => false);
    if (!isAppRunning) await this.startApp();
  }

  /** SIGKILL of the node's VM, by the pid it wrote (a crash, as far as the cluster can tell). */
  async kill(): Promise<void> {
    const pid = this.#pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return; // already gone
    }
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(50);
    this.#pid = undefined;
  }

  /** Stops the node (by name), then makes sure its VM is gone (by pid), and removes its files. Never throws. */
  async destroy(): Promise<void> {
    await this.ctl(['stop'], 30_000).catch(() => undefined);
    const pid = this.#pid;
    if (pid !== undefined) {
      const deadline = Date.now() + 10_000;
      while (isAlive(pid) && Date.now() < deadline) await sleep(100);
      if (isAlive(pid)) await this.kill();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
