import { describe, expect, it } from 'vitest';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { validatePayload, validatePayloadNow } from '../../../src/worker/validate-payload.js';

function schema(validate: StandardSchemaV1<unknown, unknown>['~standard']['validate']): StandardSchemaV1<unknown, unknown> {
  return { '~standard': { version: 1, vendor: 'test', validate } };
}

const upper = schema((value) => ({ value: String(value).toUpperCase() }));
const needsOk = schema((value) => ((value as { ok?: boolean }).ok ? { value } : { issues: [{ message: 'must be true', path: ['ok'] }] }));
const asyncUpper = schema(async (value) => ({ value: String(value).toUpperCase() }));
const thenable = schema(() => ({ then: (resolve: (result: StandardSchemaV1.Result<unknown>) => void) => resolve({ value: 'from a thenable' }) }) as never);
const throwing = schema(() => {
  throw new Error('validator broke');
});
const rejecting = schema(async () => {
  throw new Error('async validator broke');
});

describe('validatePayloadNow', () => {
  it.each([
    ['no schema: the payload as is', undefined, 'x', false, { isValid: true, value: 'x' }],
    ['a sync schema: its transformed value', upper, 'x', false, { isValid: true, value: 'X' }],
    ['a sync schema: its issues with paths', needsOk, {}, false, { isValid: false, message: 'ok: must be true' }],
    ['an async schema: its value, later', asyncUpper, 'x', true, { isValid: true, value: 'X' }],
    ['a thenable result: treated as async', thenable, 'x', true, { isValid: true, value: 'from a thenable' }],
    ['a throwing validator: invalid', throwing, 'x', false, { isValid: false, message: 'the schema validator threw: validator broke' }],
    ['a rejecting validator: invalid', rejecting, 'x', true, { isValid: false, message: 'the schema validator threw: async validator broke' }],
  ] as const)('%s', async (_title, given, payload, isPromise, expected) => {
    const result = validatePayloadNow(given, payload);
    expect(result instanceof Promise).toBe(isPromise);
    await expect(Promise.resolve(result)).resolves.toEqual(expected);
    await expect(validatePayload(given, payload)).resolves.toEqual(expected);
  });
});
