/*
 * The operator commands against RabbitMQ through the built binary: `status --json` counts, and
 * `dlq list|replay|purge` on dead letters placed in Q.dlq the way the worker leaves them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { deleteQueues, makeProject, readyCount, runWarren, uniqueName, withChannel, workerYaml } from './cli-harness.js';

const queue = uniqueName('warren.cli.ops');
const { dir, cleanup } = makeProject({ 'warren.yaml': workerYaml({ queue }) });
afterAll(async () => {
  cleanup();
  await deleteQueues(queue, `${queue}.dlq`);
});

function deadLetter(tag: string) {
  return withChannel((channel) => {
    channel.sendToQueue(`${queue}.dlq`, Buffer.from(JSON.stringify({ tag, ms: 1 })), {
      type: 'test.sleep',
      messageId: `dead-${tag}`,
      contentType: 'application/json',
      persistent: true,
      headers: { 'x-warren-attempt': 3, 'x-warren-dead-reason': 'attempts-exhausted', 'x-warren-error': 'Error: SMTP 550', 'x-warren-failed-at': '2025-01-01T00:00:00.000Z' },
    });
  });
}

describe('warren status and dlq', () => {
  it('counts, lists, replays and purges dead letters', async () => {
    const empty = await runWarren(['status', '--json'], dir);
    expect(empty.code, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout)).toMatchObject({ pipelines: [{ pipeline: 'work', driver: 'amqp', ready: 0, deadLettered: 0 }] });

    await deadLetter('a');
    await deadLetter('b');
    const status = await runWarren(['status'], dir);
    expect(status.stdout.split('\n')[1]).toMatch(/^work +amqp +0 +.* 2$/);
    expect(status.stdout, 'status names both connections').toContain('amqp connections: publish ready, consume ready');

    const list = await runWarren(['dlq', 'list', 'work'], dir);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/dead-a +test\.sleep +attempts-exhausted +2025-01-01T00:00:00\.000Z +Error: SMTP 550 +\{"tag":"a","ms":1\}/);
    expect(list.stdout).toContain('2 dead letter(s) in "work"');

    const replay = await runWarren(['dlq', 'replay', 'work', '--limit', '1'], dir);
    expect(replay.stdout).toBe('replayed 1 dead letter(s) to "work" (attempts reset to 1)');
    expect(await readyCount(queue)).toBe(1);
    const replayed = await withChannel(async (channel) => {
      const message = await channel.get(queue, { noAck: true });
      return message === false ? undefined : message.properties.headers;
    });
    expect(replayed?.['x-warren-attempt']).toBe(1);
    expect(replayed?.['x-warren-dead-reason']).toBeUndefined();

    const purge = await runWarren(['dlq', 'purge', 'work'], dir);
    expect(purge.stdout).toBe('purged 1 dead letter(s) from "work"');
    expect((await runWarren(['dlq', 'list', 'work'], dir)).stdout).toBe('no dead letters in pipeline "work"');
  });

  it('exits 2 naming an unknown pipeline', async () => {
    const result = await runWarren(['dlq', 'list', 'nope'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nope.*\(WARREN_ERR_/);
  });
});
