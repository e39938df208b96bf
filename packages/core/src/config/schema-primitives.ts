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
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const ms = tryParseDurationMs(value);
      if (ms === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `${JSON.stringify(value)} is not a duration`,
          params: { warrenHint: 'write a number of milliseconds or a string like 100ms, 30s, 5m, 1h' },
        });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ warrenType: 'duration' } satisfies WarrenSchemaMeta);
}

/** An integer within [min, max]; a string of digits (from `${VAR}`) is accepted and converted. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): z.ZodType<number, number | string> {
  return z
    .preprocess((value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value), z.number().int().min(min).max(max))
    .meta({ warrenType: 'integer' } satisfies WarrenSchemaMeta) as z.ZodType<number, number | string>;
}

/** A byte size as users write it (`16MiB`, `512KB`, or a number of bytes); outputs bytes. */
export function byteSize(): z.ZodType<number, number | string> {
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const bytes = tryParseByteSize(value);
      if (bytes === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `${JSON.stringify(value)} is not a byte size`,
          params: { warrenHint: 'write a number of bytes or a string like 512KiB, 16MiB, 1MB' },
        });
        return z.NEVER;
      }
      return bytes;
    })
    .meta({ warrenType: 'size' } satisfies WarrenSchemaMeta) as z.ZodType<number, number | string>;
}

/** A boolean; the strings `true` and `false` (from `${VAR}`) are accepted and converted. */
export function flag(): z.ZodType<boolean, boolean | string> {
  return z
    .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
    .meta({ warrenType: 'boolean' } satisfies WarrenSchemaMeta) as z.ZodType<boolean, boolean | string>;
}
