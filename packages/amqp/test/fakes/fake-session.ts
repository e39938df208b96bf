/*
 * Sessions for unit tests that drive a publisher, consumer or declarer without a connection manager: wraps a fake
 * model in a ConnectionSession the way the manager does on a successful dial, numbering generations.
 */
import type { ChannelModel } from 'amqplib';
import { ConnectionSession, type ConnectionRole } from '../../src/connection/connection-session.js';

let generation = 0;

/** A fresh session over `model` (a FakeModel, or any object shaped enough for the code under test). */
export function fakeSession(model: unknown, role: ConnectionRole = 'consume'): ConnectionSession {
  return new ConnectionSession(role, ++generation, model as ChannelModel);
}
