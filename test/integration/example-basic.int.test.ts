/*
 * The README's first command runs examples/basic (`pnpm demo`): it must print what happened to each
 * job and exit 0, on the in-memory driver and, with AMQP_URL set, on RabbitMQ.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEST_AMQP_URL } from '../support/require-broker.js';
import { deletePipelineQueues } from '../support/pipeline-queues.js';

/** The example's queues (examples/basic/warren.amqp.yaml): deleted before and after its run on RabbitMQ, so that queues
 * left by an older Warren (declared without dead-lettering to Q.dlq, a topology mismatch now) cannot fail it. */
const EXAMPLE_QUEUES = ['warren.example.emails', 'warren.example.reports'];

const exampleMain = fileURLToPath(new URL('../../examples/basic/dist/main.js', import.meta.url));

async function runExample(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const baseEnv = { ...process.env };
  delete baseEnv.AMQP_URL;
  return promisify(execFile)(process.execPath, [exampleMain], { env: { ...baseEnv, ...env }, timeout: 30_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe('examples/basic', () => {
  it.each([
    ['the in-memory driver', {}, 'memory'],
    ['RabbitMQ when AMQP_URL is set', { AMQP_URL: process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL }, 'amqp'],
  ] as const)('runs on %s: a success, a retry and a dead letter, then exits 0', async (_label, env, driver) => {
    if (driver === 'amqp') await deletePipelineQueues(...EXAMPLE_QUEUES);
    const { code, stdout, stderr } = await runExample(env).finally(() => (driver === 'amqp' ? deletePipelineQueues(...EXAMPLE_QUEUES) : undefined));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`on the ${driver} driver`);
    expect(stdout.match(/emails\.welcome succeeded/g)).toHaveLength(2);
    expect(stdout).toMatch(/reports\.build failed attempt 1\/3: upstream timed out .* retrying in \d+ ms/);
    expect(stdout).toMatch(/reports\.build succeeded on attempt 2\/3/);
    // A failure that is not retried is told once, on its dead-letter line (no "↻ … not retried" before it).
    expect(stdout).toMatch(/✖ billing\.charge dead-lettered after attempt 1\/5 \(unrecoverable, not retried\): card declined-4242 was declined/);
    expect(stdout).not.toContain('not retried\n');
    expect(stdout.match(/billing\.charge/g)).toHaveLength(2); // its dead-letter line and its row under the dead letters
    // The dead letter is listed by job and id under the pipeline it sits in.
    expect(stdout).toMatch(/dead letters of pipeline "reports": 1\n {2}billing\.charge [0-9a-f-]{36} \(unrecoverable\): .*card declined-4242 was declined\n/);
    expect(stdout).toMatch(/done\s*$/);
  });
});
