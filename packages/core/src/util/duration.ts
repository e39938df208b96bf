/*
 * Durations as users write them ("100ms", "1.5s", "5m", "1h", or a number of milliseconds) and
 * their conversion to milliseconds. Pure; the config schema and @Job options both use it.
 */
import { WarrenError } from '../errors/warren-error.js';

/** A duration: milliseconds as a number, or a string with a unit (`ms`, `s`, `m`, `h`). */
export type Duration = number | `${number}${DurationUnit}`;
/** Units a duration string may use. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h';

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;

/** Milliseconds for a duration, or undefined when it is not one (negative, NaN, unknown unit). */
export function tryParseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION_PATTERN.exec(value);
  if (!match) return /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as DurationUnit]);
}

/** Milliseconds for a duration; throws WARREN_ERR_CONFIG_INVALID (callers may wrap it with their context). */
export function parseDurationMs(value: Duration | string): number {
  const ms = tryParseDurationMs(value);
  if (ms === undefined) {
    throw new WarrenError('WARREN_ERR_CONFIG_INVALID', `"${String(value)}" is not a duration: use a number of milliseconds or a string like 500ms, 30s, 5m, 1h`, {
      details: { value: String(value) },
    });
  }
  return ms;
}

/** A compact human form for logs and messages: 1500 → "1.5s". */
export function formatDurationMs(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1_000).toFixed(2)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(2)}m`;
  return `${+(ms / 3_600_000).toFixed(2)}h`;
}
