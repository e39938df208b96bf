/*
 * Screening of a basic content-header frame payload (AMQP 0-9-1 §4.2.6.1) before amqplib decodes it. amqplib decodes
 * field tables recursively, so a headers table nested a few thousand levels deep overflows its stack on the socket's
 * read path and closes the whole connection, again on every redelivery. This walks the headers table without recursion,
 * and rebuilds the payload with the headers replaced when they are too deep (or malformed). Pure: bytes in, bytes out.
 */

/** Nesting levels of tables and arrays Warren lets amqplib decode; the headers table itself is level 1. */
export const MAX_HEADER_DEPTH = 100;

// Property flags of the basic class, in the order their values follow the flags.
const FLAG_CONTENT_TYPE = 0x8000;
const FLAG_CONTENT_ENCODING = 0x4000;
const FLAG_HEADERS = 0x2000;
const FLAG_CONTINUATION = 0x0001;
/** class-id (2), weight (2), body size (8), property flags (2). */
const PROPERTIES_OFFSET = 14;
/** Each nesting level costs at least a type tag and a 4-byte length: a table shorter than this cannot be too deep. */
const MIN_BYTES_PER_LEVEL = 5;

/** Bytes after the type tag of each fixed-size field value, as amqplib's decoder reads them. */
const FIXED_SIZES: Readonly<Record<string, number>> = { b: 1, B: 1, t: 1, s: 2, u: 2, I: 4, i: 4, f: 4, D: 5, l: 8, d: 8, T: 8, V: 0 };

/** Where the headers table lies in a content-header payload: its bytes are [start, end). */
interface TableSpan {
  readonly start: number;
  readonly end: number;
}

/** The headers table's span; undefined without headers; a string when the properties before it are cut short. */
function headersSpan(payload: Buffer): TableSpan | string | undefined {
  // Not even flags: no content header RabbitMQ sends; left to amqplib, which fails as it always did.
  if (payload.length < PROPERTIES_OFFSET) return undefined;
  const flags = payload.readUInt16BE(PROPERTIES_OFFSET - 2);
  if ((flags & FLAG_HEADERS) === 0) return undefined;
  if ((flags & FLAG_CONTINUATION) !== 0) return 'the property flags continue past the basic class';
  let at = PROPERTIES_OFFSET;
  for (const flag of [FLAG_CONTENT_TYPE, FLAG_CONTENT_ENCODING]) {
    if ((flags & flag) === 0) continue;
    if (at >= payload.length) return 'the properties are cut short';
    at += 1 + (payload[at] as number);
  }
  if (at + 4 > payload.length) return 'the properties are cut short';
  const start = at + 4;
  const end = start + payload.readUInt32BE(at);
  return end > payload.length ? 'the headers table runs past the frame' : { start, end };
}

/** Why the table in [start, end) must not reach amqplib's decoder, walking it with an explicit stack; undefined when safe. */
export function fieldTableProblem(bytes: Buffer, start: number, end: number, maxDepth = MAX_HEADER_DEPTH): string | undefined {
  const open: Array<{ readonly end: number; readonly isTable: boolean }> = [{ end, isTable: true }];
  let at = start;
  while (open.length > 0) {
    const container = open[open.length - 1] as { readonly end: number; readonly isTable: boolean };
    if (at === container.end) {
      open.pop();
      continue;
    }
    if (container.isTable) at += 1 + (bytes[at] as number); // the key, a short string
    if (at >= container.end) return `the headers table is malformed at byte ${at - start}`;
    const tag = String.fromCharCode(bytes[at] as number);
    at += 1;
    const fixed = FIXED_SIZES[tag];
    if (fixed !== undefined) {
      at += fixed;
    } else if (tag === 'S' || tag === 'x' || tag === 'F' || tag === 'A') {
      if (at + 4 > container.end) return `the headers table is malformed at byte ${at - start}`;
      const length = bytes.readUInt32BE(at);
      at += 4;
      if (tag === 'F' || tag === 'A') {
        if (open.length >= maxDepth) return `the headers table nests deeper than ${maxDepth} levels`;
        open.push({ end: at + length, isTable: tag === 'F' });
        if (at + length > container.end) return `the headers table is malformed at byte ${at - start}`;
        continue;
      }
      at += length;
    } else {
      return `the headers table has a field of unknown type ${JSON.stringify(tag)}`;
    }
    if (at > container.end) return `the headers table is malformed at byte ${at - start}`;
  }
  return undefined;
}

/**
 * Why this content-header payload's headers must not reach amqplib's decoder; undefined when they are safe. Tables
 * shorter than 5 bytes per allowed level are safe without a walk: RabbitMQ validates a table's structure on publish
 * (an unknown type closes the publisher's connection with 541), so only depth can hurt, and that needs bytes.
 */
export function contentHeaderProblem(payload: Buffer, maxDepth = MAX_HEADER_DEPTH): string | undefined {
  const span = headersSpan(payload);
  if (span === undefined) return undefined;
  if (typeof span === 'string') return span;
  if (span.end - span.start < MIN_BYTES_PER_LEVEL * maxDepth) return undefined;
  return fieldTableProblem(payload, span.start, span.end, maxDepth);
}

/** A field table of string values, encoded as AMQP writes it (4-byte length, then key, 'S', value per entry). */
function encodeStringTable(entries: Readonly<Record<string, string>>): Buffer {
  const parts = Object.entries(entries).flatMap(([key, value]) => {
    const keyBytes = Buffer.from(key.slice(0, 255), 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const lengths = Buffer.alloc(5);
    lengths.write('S', 0, 'latin1');
    lengths.writeUInt32BE(valueBytes.length, 1);
    return [Buffer.from([keyBytes.length]), keyBytes, lengths, valueBytes];
  });
  const body = Buffer.concat(parts);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/**
 * The payload, one contentHeaderProblem flagged, with its headers table replaced by `headers` and every other property
 * kept. When the properties cannot be followed past the headers (cut short), only content-type and content-encoding are
 * kept besides the new headers. Class, weight and body size are never touched: the body frames that follow still fit.
 */
export function withHeadersReplaced(payload: Buffer, headers: Readonly<Record<string, string>>): Buffer {
  const table = encodeStringTable(headers);
  const span = headersSpan(payload);
  const flags = payload.readUInt16BE(PROPERTIES_OFFSET - 2);
  const fixedPart = Buffer.from(payload.subarray(0, PROPERTIES_OFFSET));
  if (typeof span === 'object') {
    return Buffer.concat([fixedPart, payload.subarray(PROPERTIES_OFFSET, span.start - 4), table, payload.subarray(span.end)]);
  }
  // Cut short somewhere: keep what precedes the headers only if it is whole, drop everything after.
  let at = PROPERTIES_OFFSET;
  let kept = 0;
  for (const flag of [FLAG_CONTENT_TYPE, FLAG_CONTENT_ENCODING]) {
    if ((flags & flag) === 0) continue;
    if (at >= payload.length || at + 1 + (payload[at] as number) > payload.length) break;
    at += 1 + (payload[at] as number);
    kept |= flag;
  }
  fixedPart.writeUInt16BE(kept | FLAG_HEADERS, PROPERTIES_OFFSET - 2);
  return Buffer.concat([fixedPart, payload.subarray(PROPERTIES_OFFSET, at), table]);
}
