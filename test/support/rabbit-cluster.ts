/*
 * RabbitCluster: three extra RabbitMQ nodes of the tests' own (rabbit-node.ts), booted side by side and joined into
 * one cluster, then always stopped by node name and pid. The machine's default broker is never touched. A node
 * left behind by a killed test run (same name prefix, found through epmd) is stopped first, by its name.
 */
import { randomUUID } from 'node:crypto';
import { RABBITMQCTL, runCommand } from './broker-control.js';
import { RabbitNode } from './rabbit-node.js';

/** Every extra node the tests start has a name with this prefix, so a leftover one can be found and stopped. */
export const TEST_NODE_PREFIX = 'warren-t-';

export interface RabbitClusterOptions {
  /** First AMQP port; nodes use basePort, +1, +2 and distribution ports 20000 above. */
  readonly basePort: number;
  readonly size?: number;
}

/** The command's output, or '' when it fails (a leftover node may already be gone). */
function outputOf(file: string, args: readonly string[]): Promise<string> {
  return runCommand(file, args).catch(() => '');
}

/**
 * Stops, by node name, extra test nodes of one kind (`c` cluster, `tls`) that a killed run left registered with epmd;
 * never the default `rabbit` node, nor nodes of the other kind (another test file may be using them).
 */
export async function stopLeftoverTestNodes(kind: 'c' | 'tls'): Promise<string[]> {
  const names = (await outputOf('epmd', ['-names'])).split('\n')
    .map((line) => /^name (\S+) at port/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name.startsWith(`${TEST_NODE_PREFIX}${kind}-`));
  for (const name of names) await outputOf(RABBITMQCTL, ['-q', '-n', `${name}@localhost`, 'stop']);
  return names;
}

export class RabbitCluster {
  private constructor(readonly nodes: readonly RabbitNode[]) {}

  /** Boots `size` nodes (default 3) in parallel and joins the others to the first; resolves when all run clustered. */
  static async start(options: RabbitClusterOptions): Promise<RabbitCluster> {
    await stopLeftoverTestNodes('c');
    const run = randomUUID().slice(0, 6);
    const size = options.size ?? 3;
    const specs = Array.from({ length: size }, (_, i) => ({
      name: `${TEST_NODE_PREFIX}c-${i + 1}-${run}`,
      amqpPort: options.basePort + i,
      distPort: options.basePort + i + 20_000,
    }));
    const booted = await Promise.allSettled(specs.map((spec) => RabbitNode.start(spec)));
    const nodes = booted.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const cluster = new RabbitCluster(nodes);
    const failed = booted.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await cluster.stop();
      throw new Error(`could not start the test cluster's nodes: ${String((failed.reason as Error)?.message ?? failed.reason)}`, { cause: failed.reason });
    }
    try {
      const [first, ...others] = nodes as [RabbitNode, ...RabbitNode[]];
      for (const node of others) {
        await node.stopApp();
        await node.ctl(['join_cluster', first.nodeName], 60_000);
        await node.startApp();
      }
      await cluster.awaitRunning(60_000);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The AMQP URLs of all nodes, in node order (what a worker's amqp.urls lists). */
  get urls(): string[] {
    return this.nodes.map((node) => node.url);
  }

  node(index: number): RabbitNode {
    const node = this.nodes[index];
    if (!node) throw new Error(`the cluster has no node ${index}`);
    return node;
  }

  /** The node whose AMQP port `port` is. */
  nodeByPort(port: number): RabbitNode {
    const node = this.nodes.find((candidate) => candidate.amqpPort === port);
    if (!node) throw new Error(`no cluster node listens on ${port}`);
    return node;
  }

  /** Waits until every node reports all of them as running cluster members. */
  async awaitRunning(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const expected = this.nodes.map((node) => node.nodeName).sort();
    let last = '';
    while (Date.now() < deadline) {
      const views = await Promise.all(this.nodes.map((node) => node.ctl(['cluster_status', '--formatter', 'json'], 15_000).then(
        (text) => (JSON.parse(text) as { running_nodes?: string[] }).running_nodes?.slice().sort().join(',') ?? '',
        (error: Error) => error.message,
      )));
      if (views.every((view) => view === expected.join(','))) return;
      last = views.join(' | ');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`the test cluster did not report all ${expected.length} nodes running within ${timeoutMs} ms: ${last}`);
  }

  /** Brings every node back (boots a killed one, starts a stopped app) and waits until all run clustered. */
  async heal(): Promise<void> {
    for (const node of this.nodes) await node.ensureRunning();
    await this.awaitRunning(90_000);
  }

  /** Stops every node (by name, then by pid) and removes their files. Never throws. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.destroy()));
  }
}
