/*
 * Maps core's wire properties onto amqplib publish options and amqplib's received properties back
 * onto core's ReceivedProperties. AMQP timestamps are whole seconds; core uses milliseconds.
 * Pure; body bytes are never touched here.
 */
import type { MessageProperties, Options } from 'amqplib';
import type { ReceivedProperties, WireProperties } from '@warren/core';

/** amqplib publish options for a persistent, mandatory publish of `properties`. */
export function toPublishOptions(properties: WireProperties): Options.Publish {
  return {
    persistent: true,
    mandatory: true,
    messageId: properties.messageId,
    type: properties.type,
    // AMQP's timestamp is seconds since the epoch.
    timestamp: Math.floor(properties.timestampMs / 1000),
    contentType: properties.contentType,
    contentEncoding: properties.contentEncoding,
    priority: properties.priority,
    headers: properties.headers,
  };
}

/** Core's view of a received message's properties; every field a foreign producer may omit stays optional. */
export function toReceivedProperties(properties: MessageProperties): ReceivedProperties {
  const received: { -readonly [K in keyof ReceivedProperties]: ReceivedProperties[K] } = {
    headers: (properties.headers as Record<string, unknown> | undefined) ?? {},
  };
  if (typeof properties.messageId === 'string') received.messageId = properties.messageId;
  if (typeof properties.type === 'string') received.type = properties.type;
  if (typeof properties.timestamp === 'number') received.timestampMs = properties.timestamp * 1000;
  if (typeof properties.contentType === 'string') received.contentType = properties.contentType;
  if (typeof properties.contentEncoding === 'string') received.contentEncoding = properties.contentEncoding;
  if (typeof properties.priority === 'number') received.priority = properties.priority;
  return received;
}

/** A WireMessage's properties rebuilt from received ones (for dead-letter peek/replay); fills only what is required. */
export function toWireProperties(properties: MessageProperties, nowMs = Date.now()): WireProperties {
  const received = toReceivedProperties(properties);
  return {
    messageId: received.messageId ?? '',
    type: received.type ?? '',
    timestampMs: received.timestampMs ?? nowMs,
    contentType: received.contentType ?? '',
    contentEncoding: received.contentEncoding ?? '',
    ...(received.priority === undefined ? {} : { priority: received.priority }),
    headers: received.headers as WireProperties['headers'],
  };
}
