import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('public types', () => {
  it('makes a wrong dispatch payload a compile error (tsc on test/types)', async () => {
    const tsc = `${root}node_modules/.bin/tsc`;
    const result = await promisify(execFile)(tsc, ['--noEmit', '-p', 'packages/core/test/types/tsconfig.json'], { cwd: root }).then(
      () => ({ code: 0, output: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});
