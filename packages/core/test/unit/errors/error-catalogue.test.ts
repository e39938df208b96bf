import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_ERROR_CODES, listErrorCodes } from '../../../src/index.js';

const docsPath = fileURLToPath(new URL('../../../../../docs/errors.md', import.meta.url));

function documentedRows(): Map<string, { meaning: string; fix: string }> {
  const rows = new Map<string, { meaning: string; fix: string }>();
  for (const line of readFileSync(docsPath, 'utf8').split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const code = cells[1];
    if (code && /^WARREN_(ERR|WRN)_/.test(code)) rows.set(code, { meaning: cells[2] ?? '', fix: cells[3] ?? '' });
  }
  return rows;
}

const CORE_AREAS = /^WARREN_ERR_(CONFIG|JOB|DI|WORKER|DRIVER|SCHEDULE|CLI)_[A-Z_]+$/;

describe('error catalogue', () => {
  it('names every core code WARREN_ERR_<AREA>_<PROBLEM> with a core area', () => {
    for (const code of Object.keys(CORE_ERROR_CODES)) expect(code).toMatch(CORE_AREAS);
  });

  it('documents every core code in docs/errors.md with a meaning and a fix', () => {
    const rows = documentedRows();
    for (const code of Object.keys(CORE_ERROR_CODES)) {
      expect(rows.get(code), `${code} missing from docs/errors.md`).toBeDefined();
      expect(rows.get(code)?.meaning).not.toBe('');
      expect(rows.get(code)?.fix).not.toBe('');
    }
  });

  it('documents no core-area code that the catalogue lacks', () => {
    const stale = [...documentedRows().keys()].filter((code) => CORE_AREAS.test(code) && !(code in CORE_ERROR_CODES));
    expect(stale).toEqual([]);
  });

  it('registers the core catalogue on import', () => {
    for (const code of Object.keys(CORE_ERROR_CODES)) expect(listErrorCodes().has(code)).toBe(true);
  });
});
