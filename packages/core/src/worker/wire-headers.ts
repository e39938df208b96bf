/*
 * Reading and writing wire-format headers: attempt numbers, dates in range, and the conversion of
 * whatever a transport handed us (Buffers, Dates, nested tables) into plain header values.
 * Pure helpers shared by the decoder, the encoder and the copy builders; none of them throws on any input.
 */
import type { HeaderValue } from '../driver/wire-message.js';

/** 9999-12-31T23:59:59.999Z: the last instant an ISO 8601 date without an expanded year can carry. */
export const MAX_WIRE_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Epoch ms that a wire date may hold: finite, from 1970 to the end of year 9999 (toISOString never throws on them). */
export function isWireDateMs(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_WIRE_DATE_MS;
}

/** Any value as one line of text; never throws (a hostile toString or a cycle gives a placeholder). */
export function safeText(value: unknown): string {
  try {
    return typeof value === 'string' ? value : String(value);
  } catch {
    return `[unprintable ${typeof value}]`;
  }
}

function headerValueOf(value: unknown): HeaderValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return isWireDateMs(value.getTime()) ? value.toISOString() : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object') return safeText(value); // symbols, functions
  try {
    // A table nested too deep for the stack, a cycle or a throwing getter ends in the catch.
    return JSON.stringify(value) ?? safeText(value);
  } catch {
    return safeText(value);
  }
}

/** Received headers as plain values: Buffers become utf-8 strings, Dates ISO strings, objects JSON. Never throws. */
export function toHeaderValues(headers: unknown): Record<string, HeaderValue> {
  const result: Record<string, HeaderValue> = {};
  if (typeof headers !== 'object' || headers === null) return result;
  let entries: Array<[string, unknown]>;
  try {
    entries = Object.entries(headers);
  } catch {
    return result; // a Proxy that refuses to list its keys
  }
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    const plain = headerValueOf(value);
    if (plain === undefined) continue;
    // `__proto__` is a legal AMQP header name; plain assignment would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(result, key, { value: plain, enumerable: true, writable: true, configurable: true });
    else result[key] = plain;
  }
  return result;
}

/** A positive safe-integer attempt from a header value (number, numeric string or Buffer), else undefined. */
export function parseAttemptHeader(value: unknown): number | undefined {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  const attempt = typeof text === 'number' ? text : typeof text === 'string' && /^\s*\d{1,16}\s*$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : undefined;
}

/** Epoch ms from an ISO (or other Date-parsable) header value, a Date or a number of ms, within wire range; else undefined. */
export function parseDateHeaderMs(value: unknown): number | undefined {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else {
    const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
    if (typeof text !== 'string' || text.trim() === '') return undefined;
    ms = Date.parse(text);
  }
  return isWireDateMs(ms) ? ms : undefined;
}
