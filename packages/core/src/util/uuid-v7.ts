/*
 * UUID version 7 (RFC 9562): 48 bits of Unix epoch milliseconds, then 74 random bits. Warren's generated job ids are
 * v7 so that a first-attempt message carries its enqueue millisecond in `message_id` and needs no
 * `x-warren-enqueued-at` header (docs/wire-format.md). Random bytes come from a pooled crypto fill, as
 * crypto.randomUUID does. Pure apart from that pool; no clock reads (the caller passes the time).
 */
import { randomFillSync } from 'node:crypto';

/** Largest epoch ms a v7 id can carry (2^48 - 1, the year 10889). */
export const MAX_UUID_V7_MS = 0xffff_ffff_ffff;

const RANDOM_BYTES_PER_ID = 10;
const IDS_PER_FILL = 256;
const pool = Buffer.allocUnsafe(RANDOM_BYTES_PER_ID * IDS_PER_FILL);
let nextInPool = IDS_PER_FILL;

/** ASCII codes of each byte's two hex digits. */
const HEX_CODES = new Uint8Array(512);
for (let byte = 0; byte < 256; byte++) {
  const hex = byte.toString(16).padStart(2, '0');
  HEX_CODES[2 * byte] = hex.charCodeAt(0);
  HEX_CODES[2 * byte + 1] = hex.charCodeAt(1);
}
const DASH = 0x2d;
/** The id is written here as ASCII and read out as one flat string (a template of 16 hex pairs builds a tree of ~20 strings). */
const scratch = Buffer.allocUnsafe(36);

/** True when `ms` fits a v7 id: a whole number of ms from the epoch up to MAX_UUID_V7_MS. */
export function canCarryInUuidV7(ms: number): boolean {
  return Number.isInteger(ms) && ms >= 0 && ms <= MAX_UUID_V7_MS;
}

function hexAt(byte: number, at: number): void {
  scratch[at] = HEX_CODES[2 * byte] as number;
  scratch[at + 1] = HEX_CODES[2 * byte + 1] as number;
}

/** A fresh v7 id for `ms` (which must satisfy canCarryInUuidV7), lower-case like crypto.randomUUID. */
export function uuidV7(ms: number): string {
  if (nextInPool === IDS_PER_FILL) {
    randomFillSync(pool);
    nextInPool = 0;
  }
  const at = nextInPool++ * RANDOM_BYTES_PER_ID;
  const high = Math.floor(ms / 0x1_0000); // the top 32 of the 48 bits
  const low = ms % 0x1_0000;
  hexAt(high >>> 24, 0);
  hexAt((high >>> 16) & 0xff, 2);
  hexAt((high >>> 8) & 0xff, 4);
  hexAt(high & 0xff, 6);
  scratch[8] = DASH;
  hexAt(low >>> 8, 9);
  hexAt(low & 0xff, 11);
  scratch[13] = DASH;
  hexAt(0x70 | ((pool[at] as number) & 0x0f), 14); // version 7
  hexAt(pool[at + 1] as number, 16);
  scratch[18] = DASH;
  hexAt(((pool[at + 2] as number) & 0x3f) | 0x80, 19); // RFC 9562 variant: the two top bits are 10
  hexAt(pool[at + 3] as number, 21);
  scratch[23] = DASH;
  for (let i = 0; i < 6; i++) hexAt(pool[at + 4 + i] as number, 24 + 2 * i);
  return scratch.toString('latin1', 0, 36);
}

/** Value of a lower- or upper-case hex digit's char code, or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * The epoch ms a v7 id carries, or undefined when `id` is not a v7 UUID (any other version, or not a UUID). One pass
 * over the characters, no allocation: the consumer calls it for every delivery without the header.
 */
export function uuidV7Ms(id: string): number | undefined {
  if (id.length !== 36 || id.charCodeAt(14) !== 0x37) return undefined;
  let ms = 0;
  for (let i = 0; i < 36; i++) {
    const code = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== DASH) return undefined;
      continue;
    }
    const digit = hexValue(code);
    if (digit < 0 || (i === 19 && (digit & 0xc) !== 0x8)) return undefined; // RFC 9562 variant 10xx
    if (i < 13) ms = ms * 16 + digit; // the first 12 hex digits are the 48-bit millisecond
  }
  return ms;
}
