import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs the workspace's tsc on a project; resolves with its exit code and output. */
async function tsc(project: string): Promise<{ code: number; output: string }> {
  return promisify(execFile)(`${root}node_modules/.bin/tsc`, ['--noEmit', '-p', project], { cwd: root }).then(
    () => ({ code: 0, output: '' }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
}

describe('types', () => {
  it('makes a wrong dispatch payload a compile error (tsc on test/types)', async () => {
    const result = await tsc('packages/core/test/types/tsconfig.json');
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);

  // Tests run through SWC, which strips types without checking them; this keeps them honest.
  it('type-checks every test file against the current sources (tsconfig.tests.json)', async () => {
    const result = await tsc('tsconfig.tests.json');
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});
