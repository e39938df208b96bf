/*
 * The `warren dlq list` output: one row per dead letter with its job, reason, error and a body
 * preview. Each cell is redacted before it is cut (CliIo redacts the line again on the way out, but a
 * URL cut before its '@' no longer looks like one).
 */
import { WARREN_HEADERS, redactSecrets, type WireMessage } from '@warren/core';
import { formatTable } from './format-table.js';

const BODY_PREVIEW_CHARS = 60;

/** The table lines for a list of dead letters (oldest first). */
export function formatDeadLetters(pipeline: string, messages: readonly WireMessage[]): string[] {
  if (messages.length === 0) return [`no dead letters in pipeline "${pipeline}"`];
  const rows = messages.map(({ body, properties }) => {
    const headers = properties.headers;
    return [
      properties.messageId,
      properties.type,
      text(headers[WARREN_HEADERS.deadReason]),
      text(headers[WARREN_HEADERS.failedAt]),
      oneLine(text(headers[WARREN_HEADERS.error]), 50),
      oneLine(body.toString('utf8'), BODY_PREVIEW_CHARS),
    ];
  });
  return [...formatTable(['ID', 'JOB', 'REASON', 'FAILED AT', 'ERROR', 'BODY'], rows), `${messages.length} dead letter(s) in "${pipeline}"`];
}

function text(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** Secrets redacted, newlines flattened and long values cut with an ellipsis, so one message stays on one row. */
function oneLine(value: string | undefined, maxChars: number): string | undefined {
  if (value === undefined) return undefined;
  const flat = redactSecrets(value).replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}
