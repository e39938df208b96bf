/*
 * Deep copy of a WireMessage (body bytes and headers), so a message stored in memory never aliases
 * a Buffer or object the producer or consumer still holds.
 */
import type { WireMessage } from '../../driver/wire-message.js';

export function copyWireMessage(message: WireMessage): WireMessage {
  return {
    body: Buffer.from(message.body),
    properties: { ...message.properties, headers: { ...message.properties.headers } },
  };
}
