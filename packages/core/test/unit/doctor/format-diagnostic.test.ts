import { describe, expect, it } from 'vitest';
import { formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../../../src/index.js';
import { closestMatch, levenshtein } from '../../../src/doctor/levenshtein.js';

const error: Diagnostic = { severity: 'error', code: 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND', path: 'jobs.consume[0]', message: 'consumes pipeline `widgets`, which is not defined', hint: 'define it' };
const warning: Diagnostic = { severity: 'warning', code: 'WARREN_WRN_002', path: 'a', message: 'prefetch high', hint: 'lower it' };

describe('formatDiagnostic', () => {
  it.each([
    [error, 'error  jobs.consume[0]: consumes pipeline `widgets`, which is not defined → fix: define it'],
    [warning, 'warn   a: prefetch high → fix: lower it'],
    [{ ...error, path: '' }, 'error  (root): consumes pipeline `widgets`, which is not defined → fix: define it'],
  ])('formats %o on one line', (diagnostic, expected) => {
    expect(formatDiagnostic(diagnostic)).toBe(expected);
  });
});

describe('hasErrors and sortDiagnostics', () => {
  it.each([[[], false], [[warning], false], [[warning, error], true]] as const)('hasErrors(%o) is %s', (list, expected) => {
    expect(hasErrors(list)).toBe(expected);
  });
  it('puts errors before warnings', () => {
    expect(sortDiagnostics([warning, error]).map((d) => d.severity)).toEqual(['error', 'warning']);
  });
});

describe('levenshtein and closestMatch', () => {
  it.each([['', '', 0], ['a', '', 1], ['kitten', 'sitting', 3], ['prefetch', 'prefech', 1]] as const)('distance(%s, %s) = %d', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
  });
  it.each([
    ['prefech', ['queue', 'prefetch'], 'prefetch'],
    ['shutdownTimeout', ['shutdown_timeout', 'modules'], 'shutdown_timeout'],
    ['reserve_timeout', ['queue', 'prefetch', 'queue_type', 'max_priority'], undefined],
    ['tube', ['queue'], undefined],
  ] as const)('closestMatch(%s) is %s', (word, candidates, expected) => {
    expect(closestMatch(word, candidates)).toBe(expected);
  });
});
