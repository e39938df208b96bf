import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AMQP_ERROR_CODES } from '../../src/errors.js';
import { AMQP_WARNING_CODES } from '../../src/amqp-warning-codes.js';

const docs = readFileSync(fileURLToPath(new URL('../../../../docs/errors.md', import.meta.url)), 'utf8');
const AMQP_AREAS = /^WARREN_ERR_(AMQP_CONN|AMQP_TOPOLOGY|AMQP_PUBLISH|AMQP_CONSUME|BREAKER)_/;

describe('amqp error catalogue', () => {
  it.each(Object.entries({ ...AMQP_ERROR_CODES, ...AMQP_WARNING_CODES }))('documents %s in docs/errors.md', (code, spec) => {
    expect(docs).toContain(`| ${code} | ${spec.meaning} | ${spec.hint} |`);
  });

  it('documents no AMQP-area code that the catalogue lacks', () => {
    const documented = [...docs.matchAll(/^\| (WARREN_ERR_[A-Z_]+) \|/gm)].map((match) => match[1] as string).filter((code) => AMQP_AREAS.test(code));
    expect(documented.filter((code) => !(code in AMQP_ERROR_CODES))).toEqual([]);
  });

  it('uses only AMQP areas for its codes', () => {
    for (const code of Object.keys(AMQP_ERROR_CODES)) expect(code).toMatch(AMQP_AREAS);
  });
});
