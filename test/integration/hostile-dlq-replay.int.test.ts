/*
 * `warren dlq replay` on RabbitMQ while a worker dead-letters every replayed job again at once (issue 11,
 * point 6): the command replays exactly what Q.dlq held when it started and exits, instead of chasing
 * the fresh dead letters forever. Its own queues; the binary is the built CLI.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runWarren, workerYaml } from './cli-harness.js';
import { HostileFixture } from '../support/hostile-fixture.js';
import { Job, Unrecoverable, type JobContext } from '../support/warren-packages.js';

const runs = new Map<string, number>();
const count = (id: string) => runs.get(id) ?? 0;

@Job('hostile.doomed', { pipeline: 'main', attempts: 3 })
class DoomedJob {
  handle(_payload: unknown, ctx: JobContext) {
    runs.set(ctx.id, count(ctx.id) + 1);
    throw new Unrecoverable('still broken');
  }
}

@Job('hostile.ok', { pipeline: 'main' })
class OkJob {
  handle(_payload: unknown, ctx: JobContext) {
    runs.set(ctx.id, count(ctx.id) + 1);
  }
}

let fixture: HostileFixture | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await fixture?.dispose();
  fixture = undefined;
  cleanup?.();
  cleanup = undefined;
});

describe('warren dlq replay', () => {
  it('replays at most what Q.dlq held when it started, while the worker dead-letters each replay again', async () => {
    // A worker with many slots re-dead-letters faster than replay moves messages one by one.
    fixture = await HostileFixture.start({ label: 'replay', jobs: [DoomedJob, OkJob], concurrency: 20 });
    const ids = Array.from({ length: 100 }, (_, i) => `r${i}`);
    for (const id of ids) {
      fixture.channel.sendToQueue(fixture.dlq, Buffer.from(`{"id":"${id}"}`), {
        type: 'hostile.doomed', messageId: id, persistent: true,
        headers: { 'x-warren-attempt': 3, 'x-warren-dead-reason': 'attempts-exhausted', 'x-warren-error': 'Error: before' },
      });
    }
    await fixture.channel.waitForConfirms();
    const project = makeProject({ 'warren.yaml': workerYaml({ queue: fixture.queue }) });
    cleanup = project.cleanup;

    const replay = await runWarren(['dlq', 'replay', 'work'], project.dir, 30_000);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toBe('replayed 100 dead letter(s) to "work" (attempts reset to 1)');

    // Each replayed job ran once (attempt 1, Unrecoverable) and is back in Q.dlq; none was replayed twice.
    await fixture.until(async () => (await fixture!.depth(fixture!.dlq)) === 100 && ids.every((id) => count(id) === 1), 'the 100 re-dead-lettered jobs');
    expect(ids.filter((id) => count(id) !== 1)).toEqual([]);
    const letter = await fixture.takeDeadLetter();
    expect(letter.properties.headers).toMatchObject({ 'x-warren-dead-reason': 'unrecoverable', 'x-warren-attempt': 1 });
    expect(await fixture.depth()).toBe(0);

    fixture.channel.sendToQueue(fixture.queue, Buffer.from('{}'), { type: 'hostile.ok', messageId: 'good-after-replay', persistent: true });
    await fixture.until(() => count('good-after-replay') === 1, 'the good job after the replay');
    for (const output of [replay.stdout, replay.stderr, fixture.output()]) expect(output).not.toMatch(/:guest@/);
  });
});
