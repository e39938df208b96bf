import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, type WireMessage } from '@warren/core';
import { DurableOutbox, type DurableOutboxOptions } from '../../../src/publisher/durable-outbox.js';
import { decodeOutboxFile, encodeOutboxRecord, pendingMessages } from '../../../src/publisher/outbox-record.js';
import '../../../src/index.js';

const directories: string[] = [];

function message(id: string): WireMessage {
  return {
    body: Buffer.from(JSON.stringify({ id })),
    properties: { messageId: id, type: 'unit.job', timestampMs: 1_700_000_000_000, contentType: 'application/json', contentEncoding: 'utf-8', headers: { 'x-warren-attempt': 1 } },
  };
}

function outbox(overrides: Partial<DurableOutboxOptions> = {}): DurableOutbox {
  const directory = overrides.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'warren-outbox-unit-'));
  directories.push(directory);
  return new DurableOutbox({ directory, fsync: 'none', fsyncIntervalMs: 100, maxMessages: 100, maxBytes: 1 << 20, logger: createSilentLogger(), ...overrides });
}

afterEach(() => {
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

describe('outbox records', () => {
  it('round-trips message and confirm records, body byte for byte', () => {
    const frames = Buffer.concat([
      encodeOutboxRecord({ kind: 'message', seq: 1, queue: 'q', delayMs: 0, message: message('a') }),
      encodeOutboxRecord({ kind: 'message', seq: 2, queue: 'q', delayMs: 500, message: message('b') }),
      encodeOutboxRecord({ kind: 'confirm', seqs: [1] }),
    ]);
    const decoded = decodeOutboxFile(frames);
    expect(decoded.badTail).toBeUndefined();
    const pending = pendingMessages(decoded.records);
    expect(pending.map((record) => [record.seq, record.delayMs, record.message.properties.messageId])).toEqual([[2, 500, 'b']]);
    expect(pending[0]?.message.body.equals(message('b').body)).toBe(true);
  });

  it.each([
    ['a torn frame header', (frames: Buffer, firstBytes: number) => frames.subarray(0, firstBytes + 4)],
    ['a torn record', (frames: Buffer) => frames.subarray(0, frames.length - 7)],
    ['a flipped byte', (frames: Buffer) => { const copy = Buffer.from(frames); copy.writeUInt8(copy.readUInt8(copy.length - 2) ^ 0xff, copy.length - 2); return copy; }],
  ])('stops at %s and keeps the records before it', (_name, damage) => {
    const first = encodeOutboxRecord({ kind: 'message', seq: 1, queue: 'q', delayMs: 0, message: message('a') });
    const frames = Buffer.concat([first, encodeOutboxRecord({ kind: 'message', seq: 2, queue: 'q', delayMs: 0, message: message('b') })]);
    const decoded = decodeOutboxFile(damage(frames, first.length));
    expect(decoded.badTail).toBeDefined();
    expect(decoded.goodBytes).toBe(first.length);
    expect(decoded.records).toHaveLength(1);
  });
});

describe('DurableOutbox', () => {
  it('replays what was not confirmed, in order, in the next instance on the same directory', async () => {
    const first = outbox();
    first.open();
    const seqs = ['a', 'b', 'c'].map((id) => first.append('q', 0, message(id)));
    first.confirm(seqs[1] as number);
    first.close();
    const second = outbox({ directory: directories[0] });
    expect(second.open().map((record) => record.message.properties.messageId)).toEqual(['a', 'c']);
    second.close();
  });

  it('truncates the file once everything written was confirmed', async () => {
    const box = outbox();
    box.open();
    const seqs = ['a', 'b'].map((id) => box.append('q', 0, message(id)));
    for (const seq of seqs) box.confirm(seq);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fs.statSync(path.join(directories[0] as string, 'outbox.log')).size).toBe(0);
    box.close();
  });

  it('refuses beyond max_messages or max_bytes', () => {
    const box = outbox({ maxMessages: 2 });
    box.open();
    box.append('q', 0, message('a'));
    expect(box.canAccept(message('b'))).toBe(true);
    box.append('q', 0, message('b'));
    expect(box.canAccept(message('c'))).toBe(false);
    box.close();
    const small = outbox({ maxBytes: 10 });
    small.open();
    expect(small.canAccept(message('a'))).toBe(false);
    small.close();
  });

  it('stays off a directory whose lock a live process holds, and takes over one a dead process left', () => {
    const box = outbox();
    const lock = path.join(directories[0] as string, 'outbox.lock');
    fs.writeFileSync(lock, String(process.ppid)); // alive: the process that runs this test
    expect(box.open()).toEqual([]);
    expect(box.isOpen).toBe(false);
    box.close();
    expect(fs.readFileSync(lock, 'utf8')).toBe(String(process.ppid)); // not ours to remove
    fs.writeFileSync(lock, '999999999'); // no such process
    const next = outbox({ directory: directories[0] });
    expect(next.open()).toEqual([]);
    next.close();
    expect(fs.existsSync(lock)).toBe(false);
  });
});
