/*
 * Parsers for option values (durations, integers, lists, JSON payloads) that fail with
 * WARREN_ERR_CLI_INVALID (exit 2) naming the flag, instead of a bare TypeError.
 */
import { WarrenError, tryParseDurationMs } from '@warren/core';

/** `10s` → 10000 for `flag`. */
export function parseDurationOption(value: string, flag: string): number {
  const ms = tryParseDurationMs(value);
  if (ms === undefined) throw invalid(`${flag} "${value}" is not a duration`, 'Use milliseconds or a number with ms, s, m or h, e.g. 500ms or 10s.');
  return ms;
}

/** A whole number within [min, max] for `flag`. */
export function parseIntegerOption(value: string, flag: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || number < min || number > max) {
    throw invalid(`${flag} "${value}" is not a whole number from ${min} to ${max}`, `Pass ${flag} with a number from ${min} to ${max}.`);
  }
  return number;
}

/** `a,b, c` → ['a', 'b', 'c'] (empty items dropped). */
export function parseListOption(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** A JSON payload argument; absent means `{}`. */
export function parseJsonArgument(value: string | undefined, name: string): unknown {
  if (value === undefined) return {};
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw invalid(`${name} is not valid JSON: ${(error as Error).message}`, `Quote the JSON for your shell, e.g. '{"userId":"u-1"}'.`);
  }
}

function invalid(message: string, hint: string): WarrenError {
  return new WarrenError('WARREN_ERR_CLI_INVALID', message, { hint });
}
