/*
 * The copy of a dead letter that `replayDeadLetters` puts back on its pipeline: same body, id and
 * properties, attempts reset to 1, the dead-letter headers (and a driver's x-warren-headers-dropped marker) removed. Pure.
 */
import { WARREN_HEADERS, type HeaderValue, type WireMessage } from '../driver/wire-message.js';

// headersDropped too: the replayed copy is handled with what headers it has left, instead of being dead-lettered again.
const DEAD_LETTER_HEADERS: readonly string[] = [WARREN_HEADERS.error, WARREN_HEADERS.failedAt, WARREN_HEADERS.deadReason, WARREN_HEADERS.headersDropped];

export function createReplayCopy(deadLetter: WireMessage): WireMessage {
  const headers: Record<string, HeaderValue> = {};
  for (const [key, value] of Object.entries(deadLetter.properties.headers)) {
    if (!DEAD_LETTER_HEADERS.includes(key)) headers[key] = value;
  }
  headers[WARREN_HEADERS.attempt] = 1;
  return { body: deadLetter.body, properties: { ...deadLetter.properties, headers } };
}
