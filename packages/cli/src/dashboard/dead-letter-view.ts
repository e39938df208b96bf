/*
 * Dead letters as the dashboard lists them: id, job, reason, error, attempt, failed-at and a body
 * preview, each redacted before it is cut (as `warren dlq list` does), filtered by job name.
 * Reading them is Warren.peekDeadLetters (they stay in place); this only shapes the rows.
 */
import { WARREN_HEADERS, redactSecrets, type WireMessage } from '@warren/core';

export interface DeadLetterRow {
  readonly id: string;
  readonly job: string;
  readonly reason: string | null;
  readonly error: string | null;
  readonly attempt: number | null;
  readonly failedAt: string | null;
  readonly body: string;
}

const BODY_PREVIEW_CHARS = 200;
const ERROR_CHARS = 300;

/** Rows for `messages`, keeping those whose job name contains `jobFilter` (case-insensitive; empty keeps all). */
export function deadLetterRows(messages: readonly WireMessage[], jobFilter = ''): DeadLetterRow[] {
  const needle = jobFilter.trim().toLowerCase();
  return messages
    .filter((message) => needle === '' || message.properties.type.toLowerCase().includes(needle))
    .map(({ body, properties }) => {
      const headers = properties.headers;
      const attempt = Number(headers[WARREN_HEADERS.attempt]);
      return {
        id: properties.messageId,
        job: properties.type,
        reason: text(headers[WARREN_HEADERS.deadReason]),
        error: cut(text(headers[WARREN_HEADERS.error]), ERROR_CHARS),
        attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : null,
        failedAt: text(headers[WARREN_HEADERS.failedAt]),
        body: cut(body.toString('utf8'), BODY_PREVIEW_CHARS) ?? '',
      };
    });
}

function text(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}

/** Redacted first, then cut: a URL cut before its '@' no longer looks like one. */
function cut(value: string | null, maxChars: number): string | null {
  if (value === null) return null;
  const redacted = redactSecrets(value);
  return redacted.length > maxChars ? `${redacted.slice(0, maxChars - 1)}…` : redacted;
}
