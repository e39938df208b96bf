/*
 * Payload validation against a job's optional Standard Schema (zod, valibot, arktype...), sync or
 * async. Used by the decoder and available to dispatch. Does not decide what happens on failure.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';

/** The validated (possibly transformed) payload, or why it is invalid. */
export type PayloadValidation =
  | { readonly isValid: true; readonly value: unknown }
  | { readonly isValid: false; readonly message: string };

/** Validates `payload`; without a schema the payload is returned as is. A throwing validator counts as invalid. */
export async function validatePayload(schema: StandardSchemaV1<unknown, unknown> | undefined, payload: unknown): Promise<PayloadValidation> {
  return validatePayloadNow(schema, payload);
}

/** Like validatePayload, but synchronous when the schema is absent or validates synchronously (hot paths). */
export function validatePayloadNow(schema: StandardSchemaV1<unknown, unknown> | undefined, payload: unknown): PayloadValidation | Promise<PayloadValidation> {
  if (!schema) return { isValid: true, value: payload };
  let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    result = schema['~standard'].validate(payload);
  } catch (error) {
    return thrown(error);
  }
  // Any thenable counts as async (a validator's promise may come from another realm or library).
  return isThenable(result) ? Promise.resolve(result).then(toValidation, thrown) : toValidation(result);
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function toValidation(result: StandardSchemaV1.Result<unknown>): PayloadValidation {
  if (result.issues === undefined) return { isValid: true, value: result.value };
  const message = result.issues
    .map((issue) => {
      const path = issue.path?.map((segment) => (typeof segment === 'object' ? segment.key : segment)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return { isValid: false, message: message || 'the payload does not match the schema' };
}

function thrown(error: unknown): PayloadValidation {
  return { isValid: false, message: `the schema validator threw: ${error instanceof Error ? error.message : String(error)}` };
}
