/*
 * chaosMessage: builds a wire message (DESIGN.md "Wire format") for chaos tests without the worker
 * runtime: JSON body, message_id = job id, type = job name, attempt 1. Decoding on delivery is just
 * reading `properties.messageId`; nothing here validates payloads.
 */
import { randomUUID } from 'node:crypto';
import type { WireMessage } from './warren-packages.js';

export const CHAOS_JOB_NAME = 'chaos.tick';

/** A fresh job message carrying `payload`; its id is a new UUID unless given. */
export function chaosMessage(payload: unknown, options: { id?: string; name?: string; headers?: Record<string, string> } = {}): WireMessage {
  const nowMs = Date.now();
  return {
    body: Buffer.from(JSON.stringify(payload), 'utf8'),
    properties: {
      messageId: options.id ?? randomUUID(),
      type: options.name ?? CHAOS_JOB_NAME,
      timestampMs: nowMs,
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      headers: {
        'x-warren-attempt': 1,
        'x-warren-enqueued-at': new Date(nowMs).toISOString(),
        ...options.headers,
      },
    },
  };
}
