/*
 * Raw AMQP bytes for header-guard tests: field tables nested at will (amqplib's own encoder recurses and cannot build
 * the deep ones), basic content-header payloads and whole frames. Plain byte builders; no amqplib.
 */

/** A short string: one length byte, then UTF-8. */
export function shortString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function long(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/** A field table's content (no length prefix): `key` → a string value `value`. */
export function stringEntry(key: string, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([shortString(key), Buffer.from('S'), long(bytes.length), bytes]);
}

/**
 * A field table's content nested `depth` levels deep counting itself (1 = a flat table holding `leaf`). With `kind:
 * 'table'` each level holds one entry `k` whose value is the next table ('F'); with `kind: 'array'` the table holds `k`:
 * an array ('A') holding an array … holding the string "x" (array values have no keys).
 */
export function nestedTable(depth: number, leaf: Buffer = stringEntry('leaf', 'x'), kind: 'table' | 'array' = 'table'): Buffer {
  // Written outside in, each level's length known in advance, so that 50 000 levels take one pass, not 50 000 copies.
  const isArray = kind === 'array';
  const innermost = isArray ? Buffer.concat([Buffer.from('S'), long(1), Buffer.from('x')]) : leaf;
  const levelBytes = isArray ? 5 : 7; // 'A' + length, or key 'k' + 'F' + length
  const start = isArray ? 2 : 0; // the array hangs off one key 'k' of the table
  const out = Buffer.alloc(start + (depth - 1) * levelBytes + innermost.length);
  if (isArray) shortString('k').copy(out, 0);
  let at = start;
  for (let level = 1; level < depth; level += 1) {
    if (!isArray) at = shortString('k').copy(out, at) + at;
    out.write(isArray ? 'A' : 'F', at++, 'latin1');
    out.writeUInt32BE((depth - 1 - level) * levelBytes + innermost.length, at);
    at += 4;
  }
  innermost.copy(out, at);
  return out;
}

export interface ContentHeaderParts {
  readonly bodySize?: number;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** The headers table's content (no length prefix); omitted: no headers flag. */
  readonly headers?: Buffer;
  readonly messageId?: string;
  readonly type?: string;
}

/** A basic content-header payload with these properties, in AMQP order. */
export function contentHeader(parts: ContentHeaderParts): Buffer {
  let flags = 0;
  const values: Buffer[] = [];
  if (parts.contentType !== undefined) (flags |= 0x8000), values.push(shortString(parts.contentType));
  if (parts.contentEncoding !== undefined) (flags |= 0x4000), values.push(shortString(parts.contentEncoding));
  if (parts.headers !== undefined) (flags |= 0x2000), values.push(long(parts.headers.length), parts.headers);
  if (parts.messageId !== undefined) (flags |= 0x0080), values.push(shortString(parts.messageId));
  if (parts.type !== undefined) (flags |= 0x0020), values.push(shortString(parts.type));
  const fixed = Buffer.alloc(14);
  fixed.writeUInt16BE(60, 0); // class basic
  fixed.writeBigUInt64BE(BigInt(parts.bodySize ?? 0), 4);
  fixed.writeUInt16BE(flags, 12);
  return Buffer.concat([fixed, ...values]);
}

/** A whole frame: type, channel, size, payload, frame-end. */
export function frame(type: 1 | 2 | 3, channel: number, payload: Buffer): Buffer {
  const prefix = Buffer.alloc(7);
  prefix.writeUInt8(type, 0);
  prefix.writeUInt16BE(channel, 1);
  prefix.writeUInt32BE(payload.length, 3);
  return Buffer.concat([prefix, payload, Buffer.from([0xce])]);
}
