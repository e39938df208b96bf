/*
 * Small zod building blocks shared by core's and drivers' config schemas: durations, integers and
 * booleans that also accept the strings `${VAR}` interpolation produces. Each is tagged with
 * `warrenType` metadata so docs and doctor can name the expected kind of value.
 */
import { z } from 'zod';
import { tryParseDurationMs } from '../util/duration.js';

/** Metadata key read by the docs generator and the doctor to name a value's kind. */
export interface WarrenSchemaMeta {
  readonly warrenType?: 'duration' | 'integer' | 'boolean';
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

/** A boolean; the strings `true` and `false` (from `${VAR}`) are accepted and converted. */
export function flag(): z.ZodType<boolean, boolean | string> {
  return z
    .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
    .meta({ warrenType: 'boolean' } satisfies WarrenSchemaMeta) as z.ZodType<boolean, boolean | string>;
}
