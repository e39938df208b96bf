/*
 * `warren doctor` through the built binary: the incident's config exits 2 naming each mistake;
 * `--connect` exits 0 against the broker, 1 when it is unreachable or an existing queue does not
 * match the declared topology, and never creates or changes a queue.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from '../support/tcp-proxy.js';
import { TEST_AMQP_URL, deleteQueues, makeProject, queueExists, runWarren, uniqueName, withChannel } from './cli-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function projectWith(yaml: string): string {
  const { dir, cleanup } = makeProject({ 'warren.yaml': yaml });
  cleanups.push(cleanup);
  return dir;
}

function amqpYaml(url: string, queue: string, extra = ''): string {
  return `version: 1
amqp:
  urls: ["${url}"]
jobs:
  pipelines:
    emails:
      driver: amqp
      concurrency: 5
      options: { queue: ${queue}${extra} }
`;
}

describe('warren doctor', () => {
  it("exits 2 on the incident's config and names each mistake with its key path and fix", async () => {
    const dir = projectWith(`version: 1
amqp:
  urls: ["amqp://admin:hunter2@127.0.0.1:5672"]
jobs:
  consume: [emails, widgets]
  pipelines:
    emails:
      driver: amqp
      concurrency: 50
      options: { queue: emails, prefetch: 200, reserve_timeout: 5s }
`);
    const { code, stdout } = await runWarren(['doctor'], dir);
    expect(code).toBe(2);
    const lines = stdout.split('\n');
    expect(lines.find((l) => l.includes('jobs.pipelines.emails.options.reserve_timeout'))).toMatch(/^warren\.yaml:10 +error .*beanstalk.*fix: .*\(WARREN_ERR_CONFIG_UNKNOWN_KEY\)$/);
    expect(lines.find((l) => l.includes('jobs.consume[1]'))).toMatch(/^warren\.yaml:5 +error .*widgets.*fix: /);
    expect(lines.find((l) => l.includes('options.prefetch'))).toMatch(/warn .*prefetch 200 .*concurrency 50.*fix: /);
    expect(lines.at(-1)).toBe('2 errors, 1 warning in warren.yaml');
    expect(stdout).not.toContain('hunter2');
  });

  it('without --connect never touches the broker: it loads the job modules but creates no queue', async () => {
    const queue = uniqueName('warren.cli.doctor');
    cleanups.push(() => deleteQueues(queue, `${queue}.dlq`));
    const dir = projectWith(amqpYaml(TEST_AMQP_URL, queue));
    const { code, stdout } = await runWarren(['doctor'], dir);
    expect(code, stdout).toBe(0);
    expect(stdout).not.toContain('job modules not loaded');
    for (const name of [queue, `${queue}.dlq`]) expect(await queueExists(name), `${name} was created`).toBe(false);
  });

  it('exits 0 with --connect when the broker answers, reports missing queues and does not create them', async () => {
    const queue = uniqueName('warren.cli.doctor');
    cleanups.push(() => deleteQueues(queue, `${queue}.dlq`));
    const dir = projectWith(amqpYaml(TEST_AMQP_URL, queue));
    const { code, stdout } = await runWarren(['doctor', '--connect'], dir);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('ok    driver amqp: reachable; 2 of 2 queues do not exist yet (warren run declares them); nothing was changed');
    expect(stdout).toMatch(new RegExp(`missing +queue ${queue.replaceAll('.', '\\.')} \\(pipeline emails\\)`));
    for (const name of [queue, `${queue}.dlq`]) expect(await queueExists(name), `${name} was created`).toBe(false);
  });

  it('exits 0 with --connect when existing queues match the declared topology', async () => {
    const queue = uniqueName('warren.cli.doctor');
    cleanups.push(() => deleteQueues(queue, `${queue}.dlq`));
    await withChannel(async (channel) => {
      // Q as warren run declares it: dead-lettering to Q.dlq.
      await channel.assertQueue(queue, {
        durable: true, arguments: { 'x-queue-type': 'classic', 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': `${queue}.dlq` },
      });
      await channel.assertQueue(`${queue}.dlq`, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    });
    const dir = projectWith(amqpYaml(TEST_AMQP_URL, queue));
    const { code, stdout } = await runWarren(['doctor', '--connect'], dir);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('ok    driver amqp: reachable; every queue exists as declared; nothing was changed');
  });

  it('exits 1 with --connect when the broker is unreachable', async () => {
    const proxy = await TcpProxy.start({ startRefusing: true });
    cleanups.push(() => proxy.close());
    const dir = projectWith(amqpYaml(proxy.amqpUrl(), uniqueName('warren.cli.doctor')));
    const { code, stdout } = await runWarren(['doctor', '--connect', '--connect-timeout', '2s'], dir);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL +driver amqp: .*ECONNREFUSED/);
    expect(stdout).not.toContain('guest:guest');
  });

  it('exits 1 with --connect when an existing queue does not match, naming the mismatch code', async () => {
    const queue = uniqueName('warren.cli.doctor');
    // A classic Q that dead-letters as Warren declares it; only the queue type differs from the config.
    await withChannel((channel) => channel.assertQueue(queue, { durable: true, deadLetterExchange: '', deadLetterRoutingKey: `${queue}.dlq` }));
    cleanups.push(() => deleteQueues(queue, `${queue}.dlq`));
    const dir = projectWith(amqpYaml(TEST_AMQP_URL, queue, ', queue_type: quorum'));
    const { code, stdout } = await runWarren(['doctor', '--connect'], dir);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL +driver amqp: .*WARREN_ERR_AMQP_TOPOLOGY_MISMATCH/);
    expect(stdout).toMatch(new RegExp(`mismatch +queue ${queue.replaceAll('.', '\\.')} \\(pipeline emails\\): .*x-queue-type`));
    expect(stdout).toMatch(new RegExp(`missing +queue ${queue.replaceAll('.', '\\.')}\\.dlq `));
    expect(await queueExists(`${queue}.dlq`), 'doctor created the dead-letter queue').toBe(false);
  });

  it('exits 2 with a one-line error when the config file is missing', async () => {
    const dir = projectWith('version: 1\n');
    writeFileSync(join(dir, 'other.yaml'), 'version: 1\n');
    const { code, stdout } = await runWarren(['doctor', '-c', 'missing.yaml'], dir);
    expect(code).toBe(2);
    expect(stdout).toMatch(/missing\.yaml.*WARREN_ERR_CONFIG_NOT_FOUND/);
  });
});
