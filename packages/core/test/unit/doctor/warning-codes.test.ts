import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_ERROR_CODES, CORE_WARNING_CODES } from '../../../src/index.js';

const docs = readFileSync(fileURLToPath(new URL('../../../../../docs/errors.md', import.meta.url)), 'utf8');

describe('warning and config codes', () => {
  it.each(Object.entries(CORE_WARNING_CODES))('documents %s in docs/errors.md with its meaning', (code, spec) => {
    expect(docs).toContain(`| ${code} | ${spec.meaning} | ${spec.hint} |`);
  });

  it('numbers warnings WARREN_WRN_NNN without gaps', () => {
    const numbers = Object.keys(CORE_WARNING_CODES).map((code) => Number(/^WARREN_WRN_(\d{3})$/.exec(code)?.[1]));
    expect(numbers).toEqual(numbers.map((_, index) => index + 1));
  });

  it.each(['WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND', 'WARREN_ERR_CONFIG_MISMATCH', 'WARREN_ERR_CONFIG_UNKNOWN_KEY', 'WARREN_ERR_CONFIG_ENV_MISSING'])(
    'catalogues %s, which the doctor emits', (code) => {
      expect(code in CORE_ERROR_CODES).toBe(true);
    },
  );
});
