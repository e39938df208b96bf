/*
 * The copy of a dead letter that `replayDeadLetters` puts back on its pipeline: same body, id and
 * properties, attempts reset to 1, the dead-letter headers removed. Pure.
 */
import { WARREN_HEADERS, type HeaderValue, type WireMessage } from '../driver/wire-message.js';

const DEAD_LETTER_HEADERS: readonly string[] = [WARREN_HEADERS.error, WARREN_HEADERS.failedAt, WARREN_HEADERS.deadReason];

export function createReplayCopy(deadLetter: WireMessage): WireMessage {
  const headers: Record<string, HeaderValue> = {};
  for (const [key, value] of Object.entries(deadLetter.properties.headers)) {
    if (!DEAD_LETTER_HEADERS.includes(key)) headers[key] = value;
  }
  headers[WARREN_HEADERS.attempt] = 1;
  return { body: deadLetter.body, properties: { ...deadLetter.properties, headers } };
}
