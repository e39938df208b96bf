/*
 * Reading and writing wire-format headers: attempt numbers, ISO dates, and the conversion of
 * whatever a transport handed us (Buffers, Dates, nested tables) into plain header values.
 * Pure helpers shared by the decoder, the encoder and the copy builders.
 */
import type { HeaderValue } from '../driver/wire-message.js';

/** Received headers as plain values: Buffers become utf-8 strings, Dates ISO strings, objects JSON. */
export function toHeaderValues(headers: Readonly<Record<string, unknown>> | undefined): Record<string, HeaderValue> {
  const result: Record<string, HeaderValue> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') result[key] = value;
    else if (Buffer.isBuffer(value)) result[key] = value.toString('utf8');
    else if (value instanceof Date) result[key] = value.toISOString();
    else if (typeof value === 'bigint') result[key] = Number(value);
    else {
      try {
        result[key] = JSON.stringify(value);
      } catch {
        result[key] = String(value);
      }
    }
  }
  return result;
}

/** A positive integer attempt from a header value (number or numeric string), else undefined. */
export function parseAttemptHeader(value: unknown): number | undefined {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  const attempt = typeof text === 'number' ? text : typeof text === 'string' && /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(attempt) && attempt >= 1 ? attempt : undefined;
}

/** Epoch ms from an ISO (or other Date-parsable) header value, or a number of ms; else undefined. */
export function parseDateHeaderMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
