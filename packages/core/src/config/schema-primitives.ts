/*
 * Small zod building blocks shared by core's and drivers' config schemas: durations, byte sizes, integers and
 * booleans that also accept the strings `${VAR}` interpolation produces. Each is tagged with
 * `warrenType` metadata so docs and doctor can name the expected kind of value.
 */
import { z } from 'zod';
import { tryParseDurationMs } from '../util/duration.js';
import { tryParseByteSize } from '../util/byte-size.js';

/** Metadata key read by the docs generator and the doctor to name a value's kind. */
export interface WarrenSchemaMeta {
  readonly warrenType?: 'duration' | 'integer' | 'boolean' | 'size';
}

/** A duration as users write it (`100ms`, `1s`, `5m`, `1h`, or a number of ms); outputs milliseconds. */
export function durationMs(): z.ZodType<number, number | string> {
  return parsedNumber(tryParseDurationMs, 'a duration', 'write a number of milliseconds or a string like 100ms, 30s, 5m, 1h', 'duration');
}

/** A number or a string that `parse` turns into a number; anything else is an issue naming `kind`, with `hint`. */
function parsedNumber(
  parse: (value: unknown) => number | undefined, kind: string, hint: string, warrenType: NonNullable<WarrenSchemaMeta['warrenType']>,
): z.ZodType<number, number | string> {
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const parsed = parse(value);
      if (parsed === undefined) {
        ctx.issues.push({ code: 'custom', input: value, message: `${JSON.stringify(value)} is not ${kind}`, params: { warrenHint: hint } });
        return z.NEVER;
      }
      return parsed;
    })
    .meta({ warrenType } satisfies WarrenSchemaMeta) as z.ZodType<number, number | string>;
}

/** An integer within [min, max]; a string of digits (from `${VAR}`) is accepted and converted. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): z.ZodType<number, number | string> {
  return z
    .preprocess((value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value), z.number().int().min(min).max(max))
    .meta({ warrenType: 'integer' } satisfies WarrenSchemaMeta) as z.ZodType<number, number | string>;
}

/** A byte size as users write it (`16MiB`, `512KB`, or a number of bytes); outputs bytes. */
export function byteSize(): z.ZodType<number, number | string> {
  return parsedNumber(tryParseByteSize, 'a byte size', 'write a number of bytes or a string like 512KiB, 16MiB, 1MB', 'size');
}

/** A boolean; the strings `true` and `false` (from `${VAR}`) are accepted and converted. */
export function flag(): z.ZodType<boolean, boolean | string> {
  return z
    .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
    .meta({ warrenType: 'boolean' } satisfies WarrenSchemaMeta) as z.ZodType<boolean, boolean | string>;
}
