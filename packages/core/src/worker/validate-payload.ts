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
  if (!schema) return { isValid: true, value: payload };
  try {
    const result = await schema['~standard'].validate(payload);
    if (result.issues === undefined) return { isValid: true, value: result.value };
    const message = result.issues
      .map((issue) => {
        const path = issue.path?.map((segment) => (typeof segment === 'object' ? segment.key : segment)).join('.');
        return path ? `${path}: ${issue.message}` : issue.message;
      })
      .join('; ');
    return { isValid: false, message: message || 'the payload does not match the schema' };
  } catch (error) {
    return { isValid: false, message: `the schema validator threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}
