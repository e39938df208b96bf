/*
 * The record format of the durable outbox file: one frame per record, [u32 length][u32 crc32][JSON payload], so a
 * torn or corrupted tail (a crash mid-write, a bad disk block) is recognised by its length or checksum and
 * everything before it is still read. Pure: encodes and decodes buffers, no I/O.
 *   m  a dispatch waiting for the broker: sequence number, queue, delay, body (base64) and properties.
 *   c  sequence numbers the broker has confirmed since (replay skips them).
 */
import { crc32 } from 'node:zlib';
import type { WireMessage, WireProperties } from '@warren/core';

/** Bytes of a frame header: payload length and its CRC-32. */
export const FRAME_HEADER_BYTES = 8;
/** A frame longer than this is corruption, not a record (amqp.max_payload tops out far below, base64 included). */
const MAX_FRAME_BYTES = 1 << 30;

/** One dispatch kept in the file. */
export interface OutboxMessageRecord {
  readonly kind: 'message';
  readonly seq: number;
  readonly queue: string;
  readonly delayMs: number;
  readonly message: WireMessage;
}

/** Dispatches confirmed by the broker after they were written. */
export interface OutboxConfirmRecord {
  readonly kind: 'confirm';
  readonly seqs: readonly number[];
}

export type OutboxRecord = OutboxMessageRecord | OutboxConfirmRecord;

function frame(payload: object): Buffer {
  const json = Buffer.from(JSON.stringify(payload), 'utf8');
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + json.length);
  out.writeUInt32BE(json.length, 0);
  out.writeUInt32BE(crc32(json), 4);
  json.copy(out, FRAME_HEADER_BYTES);
  return out;
}

/** The frame of one record. */
export function encodeOutboxRecord(record: OutboxRecord): Buffer {
  if (record.kind === 'confirm') return frame({ k: 'c', s: record.seqs });
  const { seq, queue, delayMs, message } = record;
  return frame({ k: 'm', s: seq, q: queue, d: delayMs, b: message.body.toString('base64'), p: message.properties });
}

/** What reading a file found: its good records, and where the good part ends when a bad tail follows. */
export interface DecodedOutbox {
  readonly records: OutboxRecord[];
  /** Bytes of good frames from the start; equals the buffer's length when nothing bad follows. */
  readonly goodBytes: number;
  /** Why reading stopped early (torn frame, checksum, unreadable payload); undefined when the file is whole. */
  readonly badTail: string | undefined;
}

function toRecord(payload: unknown): OutboxRecord | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  if (p['k'] === 'c' && Array.isArray(p['s']) && p['s'].every((seq) => Number.isSafeInteger(seq))) return { kind: 'confirm', seqs: p['s'] as number[] };
  if (p['k'] !== 'm' || !Number.isSafeInteger(p['s']) || typeof p['q'] !== 'string' || typeof p['d'] !== 'number' || typeof p['b'] !== 'string') return undefined;
  const properties = p['p'] as WireProperties | undefined;
  if (typeof properties !== 'object' || properties === null || typeof properties.messageId !== 'string') return undefined;
  return { kind: 'message', seq: p['s'] as number, queue: p['q'], delayMs: p['d'], message: { body: Buffer.from(p['b'], 'base64'), properties } };
}

/** Reads frames from the start until the end or the first bad one. Never throws on what the file holds. */
export function decodeOutboxFile(buffer: Buffer): DecodedOutbox {
  const records: OutboxRecord[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    if (buffer.length - offset < FRAME_HEADER_BYTES) return { records, goodBytes: offset, badTail: 'a torn frame header' };
    const length = buffer.readUInt32BE(offset);
    if (length > MAX_FRAME_BYTES) return { records, goodBytes: offset, badTail: `an impossible frame length (${length})` };
    const end = offset + FRAME_HEADER_BYTES + length;
    if (end > buffer.length) return { records, goodBytes: offset, badTail: 'a torn record (shorter than its length)' };
    const payload = buffer.subarray(offset + FRAME_HEADER_BYTES, end);
    if (crc32(payload) !== buffer.readUInt32BE(offset + 4)) return { records, goodBytes: offset, badTail: 'a checksum mismatch' };
    let record: OutboxRecord | undefined;
    try {
      record = toRecord(JSON.parse(payload.toString('utf8')));
    } catch {
      record = undefined;
    }
    if (!record) return { records, goodBytes: offset, badTail: 'a record that is not a Warren outbox record' };
    records.push(record);
    offset = end;
  }
  return { records, goodBytes: offset, badTail: undefined };
}

/** The dispatches of `records` not confirmed later in them, in the order they were written. */
export function pendingMessages(records: readonly OutboxRecord[]): OutboxMessageRecord[] {
  const confirmed = new Set<number>();
  for (const record of records) if (record.kind === 'confirm') for (const seq of record.seqs) confirmed.add(seq);
  return records.filter((record): record is OutboxMessageRecord => record.kind === 'message' && !confirmed.has(record.seq));
}
