/*
 * Broker URLs that do not parse (issue 11, point 8), on RabbitMQ and through the built CLI: a raw '#' in a
 * password is a config error naming amqp.urls[i] with the fix, never a crash that prints the password; and
 * a driver that was built with such a URL anyway (bypassing config) keeps running when its reachability
 * probe meets it during a reconnect, logs it once with a code, and comes back through the good URL.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runWarren, workerYaml } from './cli-harness.js';
import { amqpPackage } from '../support/amqp-test-driver.js';
import { TEST_AMQP_URL, sleep } from '../support/hostile-fixture.js';
import { LogCapture } from '../support/log-capture.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { deleteQueuesWithPrefix } from '../support/broker-control.js';
import { Warren, isWarrenError, type Consumer, type Driver } from '../support/warren-packages.js';

const PASSWORD = 's3cr#t-hostile';
const BAD_URL = `amqp://guest:${PASSWORD}@127.0.0.1:5672`;

let cleanup: (() => void) | undefined;
let driver: Driver | undefined;
let proxy: TcpProxy | undefined;
/** Queue prefixes a test created; deleted after it whether it passed or not. */
const queuePrefixes: string[] = [];
afterEach(async () => {
  cleanup?.();
  cleanup = undefined;
  await driver?.close();
  driver = undefined;
  await proxy?.close();
  proxy = undefined;
  for (const prefix of queuePrefixes.splice(0)) await deleteQueuesWithPrefix(prefix);
});

describe('a broker URL that does not parse', () => {
  it('Warren.fromConfig rejects it as a config error naming amqp.urls[1], password hidden, with the fix', async () => {
    const error = await Warren.fromConfig({
      version: 1,
      amqp: { urls: [TEST_AMQP_URL, BAD_URL] },
      jobs: { pipelines: { main: { driver: 'amqp', concurrency: 1, options: { queue: `hostile-cfg-${randomUUID().slice(0, 8)}` } } } },
      http: { enabled: false },
    }).then(() => undefined, (caught: unknown) => caught);
    expect(isWarrenError(error, 'WARREN_ERR_CONFIG_INVALID')).toBe(true);
    const text = `${(error as Error).message}\n${(error as Error).stack ?? ''}`;
    expect(text).toContain('amqp.urls[1]');
    expect(text).toContain('%23');
    expect(text).not.toContain('s3cr');
  });

  it.each([['run'], ['doctor']])('warren %s exits 2 with the path and the fix, and never prints the password', async (command) => {
    const project = makeProject({ 'warren.yaml': workerYaml({ queue: `hostile-cli-${randomUUID().slice(0, 8)}`, url: BAD_URL }) });
    cleanup = project.cleanup;
    const result = await runWarren([command], project.dir);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output).toBe(2);
    expect(output).toContain('amqp.urls[0]');
    expect(output).toContain('percent-encode');
    expect(output).not.toContain('s3cr');
    expect(output).not.toMatch(/uncaught|TypeError: Invalid URL/i);
  });

  it('a driver built with it anyway keeps running through a reconnect: the probe logs it once, the good URL takes over', async () => {
    const { amqpDriverDefinition, parseAmqpSection, parseAmqpPipelineOptions } = amqpPackage;
    const logs = new LogCapture('debug');
    const queue = `hostile-probe-${randomUUID().slice(0, 8)}`;
    queuePrefixes.push(queue);
    // The good URL goes through a proxy, so the test can cut the connection without touching the broker.
    proxy = await TcpProxy.start();
    const goodUrl = proxy.amqpUrl();
    const section = parseAmqpSection({ urls: [goodUrl], heartbeat: '2s', redial: { schedule: ['300ms', '300ms'], jitter: 0, probe_interval: '50ms' } });
    // Bypasses the config check on purpose: the good URL first, the bad one next in the rotation.
    driver = amqpDriverDefinition.create({
      section: { ...section, urls: [goodUrl, BAD_URL] },
      pipelines: [{ name: 'main', concurrency: 1, options: parseAmqpPipelineOptions({ queue }) }],
      logger: logs.logger,
    });
    await driver.start();
    const received: string[] = [];
    const consumer: Consumer = await driver.consume('main', {
      prefetch: 1,
      onDelivery: (delivery) => {
        received.push(String(delivery.properties.messageId));
        delivery.ack();
      },
    });
    const until = async (condition: () => boolean, what: string) => {
      for (const deadline = Date.now() + 20_000; !condition(); await sleep(25)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs.tail(30)}`);
      }
    };
    await until(() => driver!.status().state === 'ready' && consumer.isConsuming, 'the first connection');

    proxy.dropAll();
    // Each connection (publish, consume) redials the next URL at once after the cut: the bad one, refused with a code.
    await until(() => logs.matching('WARREN_ERR_AMQP_CONN_INVALID').length > 0, 'a redial or the probe to meet the bad URL');
    await until(() => driver!.status().state === 'ready' && consumer.isConsuming, 'the reconnect through the good URL');
    const invalid = logs.matching('WARREN_ERR_AMQP_CONN_INVALID').map((line) => JSON.parse(line) as { role?: string });
    expect(invalid.length, 'at most once per connection and once by the probe').toBeLessThanOrEqual(3);

    const message = { body: Buffer.from('{}'), properties: { messageId: 'after-bad-url', type: 'x', timestampMs: Date.now(), contentType: 'application/json', contentEncoding: 'utf-8', headers: {} } };
    await driver.publish('main', message);
    await until(() => received.includes('after-bad-url'), 'a message after the reconnect');
    await consumer.cancel();
    await driver.close();
    driver = undefined;
    expect(logs.lines.join('\n')).not.toContain('s3cr');
  });
});
