/*
 * DurableOutbox: the opt-in file behind the outbox (amqp.outbox.path). While the broker is unreachable each dispatch
 * is appended as one record (outbox-record.ts) and fsynced per policy before its dispatch resolves; the broker's
 * confirm later appends a confirm record, and once nothing is pending the file is truncated (compacted). On open it
 * replays what a previous process left unconfirmed, moves a corrupt or torn tail aside with warning WARREN_WRN_103
 * (never a crash loop), and holds a lock file so two live processes never share it: a process that finds the lock
 * held by a live one (a CLI command beside the worker with the same config) goes on without the file, with warning
 * WARREN_WRN_105. Owns the file only: the publisher decides what goes in and sends it.
 *   unopened → open (open()) | closed (open() found the lock held) ; open → closed (close()); closed is terminal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TimerSet, type Logger, type WireMessage } from '@warren/core';
import { amqpError } from '../errors.js';
import { decodeOutboxFile, encodeOutboxRecord, pendingMessages, type OutboxMessageRecord } from './outbox-record.js';

/** When appended records reach the disk: after every record, every `fsyncIntervalMs`, or when the OS decides. */
export type OutboxFsyncPolicy = 'every' | 'interval' | 'none';

export interface DurableOutboxOptions {
  /** Directory of the outbox file (`outbox.log`), its lock and moved-aside tails. */
  readonly directory: string;
  readonly fsync: OutboxFsyncPolicy;
  readonly fsyncIntervalMs: number;
  /** Pending (unconfirmed) records at most; beyond, append() is refused. */
  readonly maxMessages: number;
  /** Bytes of pending records at most; beyond, append() is refused. */
  readonly maxBytes: number;
  readonly logger: Logger;
}

type DurableOutboxState = 'unopened' | 'open' | 'closed';

/** Rewrite the file when confirmed records make up more than this beyond twice what is pending. */
const COMPACT_SLACK_BYTES = 1 << 20;

export class DurableOutbox {
  #state: DurableOutboxState = 'unopened';
  readonly #options: DurableOutboxOptions;
  readonly #file: string;
  readonly #lock: string;
  readonly #timers = new TimerSet();
  #fd = -1;
  #nextSeq = 1;
  /** Frame of each pending record by sequence number (what a compaction rewrites). */
  readonly #pending = new Map<number, Buffer>();
  #pendingBytes = 0;
  #fileBytes = 0;
  #confirmedToWrite: number[] = [];
  #unsyncedWrites = 0;

  constructor(options: DurableOutboxOptions) {
    this.#options = options;
    this.#file = path.join(options.directory, 'outbox.log');
    this.#lock = path.join(options.directory, 'outbox.lock');
  }

  /** Whether dispatches can be kept in the file (open() succeeded and close() was not called). */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Records written and not yet confirmed. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Takes the lock, reads what an earlier process left (moving a bad tail aside), compacts, and returns it in order. */
  open(): OutboxMessageRecord[] {
    if (this.#state !== 'unopened') throw amqpError('WARREN_ERR_AMQP_PUBLISH_ILLEGAL_STATE', `the durable outbox is ${this.#state}`);
    try {
      fs.mkdirSync(this.#options.directory, { recursive: true });
      const holder = this.#takeLock();
      if (holder !== undefined) {
        this.#state = 'closed';
        this.#options.logger.warn({ code: 'WARREN_WRN_105', event: 'amqp.outbox.locked', directory: this.#options.directory, holder },
          `process ${holder} holds the durable outbox at ${this.#options.directory}; this process keeps its outbox in memory`);
        return [];
      }
      const replay = this.#readLeftovers();
      this.#state = 'open';
      this.#rewrite(replay.map((record) => [record.seq, encodeOutboxRecord(record)] as const));
      this.#nextSeq = replay.reduce((max, record) => Math.max(max, record.seq), 0) + 1;
      if (this.#options.fsync === 'interval') this.#timers.every(this.#options.fsyncIntervalMs, () => this.#sync());
      return replay;
    } catch (error) {
      if (this.#state === 'open') this.close();
      throw amqpError('WARREN_ERR_AMQP_PUBLISH_OUTBOX_UNAVAILABLE', `the durable outbox at ${this.#options.directory} cannot be opened: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error, details: { directory: this.#options.directory },
      });
    }
  }

  /** Whether one more record of `message` fits the bounds. */
  canAccept(message: WireMessage): boolean {
    return this.#state === 'open' && this.#pending.size < this.#options.maxMessages
      && this.#pendingBytes + message.body.length < this.#options.maxBytes;
  }

  /** Appends a dispatch; returns its sequence number once written (and fsynced, with fsync: every). Throws coded. */
  append(queue: string, delayMs: number, message: WireMessage): number {
    if (this.#state !== 'open') throw amqpError('WARREN_ERR_AMQP_PUBLISH_OUTBOX_UNAVAILABLE', `the durable outbox is ${this.#state}`);
    const seq = this.#nextSeq++;
    const frame = encodeOutboxRecord({ kind: 'message', seq, queue, delayMs, message });
    this.#write(frame);
    this.#pending.set(seq, frame);
    this.#pendingBytes += frame.length;
    return seq;
  }

  /** The broker confirmed `seq` (or it was dropped for good): recorded in one batch at the end of this turn. */
  confirm(seq: number): void {
    const frame = this.#pending.get(seq);
    if (!frame || this.#state !== 'open') return;
    this.#pending.delete(seq);
    this.#pendingBytes -= frame.length;
    if (this.#confirmedToWrite.push(seq) === 1) this.#timers.schedule(0, () => this.#writeConfirms());
  }

  /** Writes what is left to write, syncs, closes the file and releases the lock. Idempotent. */
  close(): void {
    if (this.#state !== 'open') {
      this.#state = 'closed'; // never opened, or the lock is another process's: nothing of ours to release
      return;
    }
    this.#writeConfirms();
    this.#state = 'closed';
    this.#timers.close();
    if (this.#fd >= 0) {
      try {
        fs.fsyncSync(this.#fd);
      } finally {
        fs.closeSync(this.#fd);
        this.#fd = -1;
      }
    }
    fs.rmSync(this.#lock, { force: true });
  }

  /** Takes the lock; returns the pid of a live process that holds it instead, else undefined. */
  #takeLock(): number | undefined {
    try {
      fs.writeFileSync(this.#lock, String(process.pid), { flag: 'wx' });
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(this.#lock, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) return holder;
    // Left by a process that died (a crash, SIGKILL): ours now.
    fs.writeFileSync(this.#lock, String(process.pid));
    return undefined;
  }

  #readLeftovers(): OutboxMessageRecord[] {
    if (!fs.existsSync(this.#file)) return [];
    const buffer = fs.readFileSync(this.#file);
    const decoded = decodeOutboxFile(buffer);
    if (decoded.badTail !== undefined) {
      const aside = `${this.#file}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.writeFileSync(aside, buffer.subarray(decoded.goodBytes));
      this.#options.logger.warn({ code: 'WARREN_WRN_103', event: 'amqp.outbox.bad_tail', file: this.#file, movedTo: aside, goodBytes: decoded.goodBytes, badBytes: buffer.length - decoded.goodBytes, reason: decoded.badTail },
        `the durable outbox ended in ${decoded.badTail}; ${buffer.length - decoded.goodBytes} byte(s) moved aside, the good records before them are replayed`);
    }
    return pendingMessages(decoded.records);
  }

  /** Replaces the file with `frames` (write a temporary file, fsync, rename) and appends to it from now on. */
  #rewrite(frames: ReadonlyArray<readonly [number, Buffer]>): void {
    const temporary = `${this.#file}.tmp`;
    const fd = fs.openSync(temporary, 'w');
    try {
      for (const [, frame] of frames) fs.writeSync(fd, frame);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, this.#file);
    syncDirectory(this.#options.directory);
    if (this.#fd >= 0) fs.closeSync(this.#fd);
    this.#fd = fs.openSync(this.#file, 'a');
    this.#pending.clear();
    this.#pendingBytes = 0;
    this.#fileBytes = 0;
    for (const [seq, frame] of frames) {
      this.#pending.set(seq, frame);
      this.#pendingBytes += frame.length;
      this.#fileBytes += frame.length;
    }
  }

  #writeConfirms(): void {
    const seqs = this.#confirmedToWrite.splice(0);
    if (seqs.length === 0 || this.#state !== 'open') return;
    if (this.#pending.size === 0) {
      // Everything written was confirmed: the file starts over empty (the cheapest compaction).
      fs.ftruncateSync(this.#fd, 0);
      this.#fileBytes = 0;
      return;
    }
    this.#write(encodeOutboxRecord({ kind: 'confirm', seqs }));
    if (this.#fileBytes > 2 * this.#pendingBytes + COMPACT_SLACK_BYTES) this.#rewrite([...this.#pending]);
  }

  #write(frame: Buffer): void {
    fs.writeSync(this.#fd, frame);
    this.#fileBytes += frame.length;
    if (this.#options.fsync === 'every') fs.fsyncSync(this.#fd);
    else this.#unsyncedWrites += 1;
  }

  #sync(): void {
    if (this.#unsyncedWrites === 0 || this.#fd < 0) return;
    this.#unsyncedWrites = 0;
    fs.fsyncSync(this.#fd);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/** Makes a rename durable (Linux); where a directory cannot be opened for fsync, the rename stands as it is. */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(directory, 'r');
    fs.fsyncSync(fd);
  } catch {
    // e.g. Windows: directories cannot be fsynced there
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
