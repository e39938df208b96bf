import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** Loaded on first use only: importing @warren/core must not pull them in (idle RSS, issue #6). */
const LAZY = ['prom-client', 'yaml', 'tinyglobby', 'node:http', '@opentelemetry/api'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('lazy dependencies of @warren/core', () => {
  it.each(LAZY)('no source file imports %s at the top (only `import type` or a load on first use)', (dependency) => {
    const offenders = sourceFiles(SRC).filter((file) => {
      const text = readFileSync(file, 'utf8');
      return new RegExp(`^import (?!type )[^;]*from '${dependency}';`, 'm').test(text) || new RegExp(`^import '${dependency}';`, 'm').test(text);
    });
    expect(offenders).toEqual([]);
  });
});
