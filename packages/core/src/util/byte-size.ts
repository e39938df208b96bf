/*
 * Byte sizes as users write them in config: a number of bytes, or a number with a unit — B, KB/MB/GB (powers of
 * 1000) or KiB/MiB/GiB (powers of 1024), case-insensitive. Pure; the config schema's byteSize() uses it.
 */

const UNITS: Readonly<Record<string, number>> = {
  b: 1, kb: 1_000, mb: 1_000_000, gb: 1_000_000_000, kib: 1_024, mib: 1_048_576, gib: 1_073_741_824,
};
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/** Bytes for `value` (`16MiB`, `512 KB`, `1024`), or undefined when it is not a size (or not a whole number of bytes ≥ 0). */
export function tryParseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = SIZE.exec(value);
  if (!match) return undefined;
  const factor = UNITS[(match[2] || 'b').toLowerCase()];
  if (factor === undefined) return undefined;
  const bytes = Number(match[1]) * factor;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
