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

/**
 * Core's view of a received message's properties; a field a foreign producer omitted is undefined. One object
 * literal with every field, so V8 allocates it once with all fields inline (it lives as long as the delivery).
 */
export function toReceivedProperties(properties: MessageProperties): ReceivedProperties {
  const { messageId, type, timestamp, contentType, contentEncoding, priority } = properties;
  return {
    headers: (properties.headers as Record<string, unknown> | undefined) ?? {},
    messageId: typeof messageId === 'string' ? messageId : undefined,
    type: typeof type === 'string' ? type : undefined,
    timestampMs: typeof timestamp === 'number' ? timestamp * 1000 : undefined,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    contentEncoding: typeof contentEncoding === 'string' ? contentEncoding : undefined,
    priority: typeof priority === 'number' ? priority : undefined,
  };
}

/** A WireMessage's properties rebuilt from received ones (for dead-letter peek/replay); fills only what is required. */
export function toWireProperties(properties: MessageProperties, nowMs = Date.now()): WireProperties {
  const received = toReceivedProperties(properties);
  return {
    messageId: received.messageId ?? '',
    type: received.type ?? '',
    timestampMs: received.timestampMs ?? nowMs,
    contentType: received.contentType ?? '',
    ...(received.contentEncoding === undefined ? {} : { contentEncoding: received.contentEncoding }),
    ...(received.priority === undefined ? {} : { priority: received.priority }),
    headers: received.headers as WireProperties['headers'],
  };
}
