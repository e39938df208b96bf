/*
 * Lifecycle of the in-memory driver (a subset of DriverState), as a spec and a transition table.
 *   idle     constructed; publishes are stored, consumers registered, nothing delivered yet. → ready | closing
 *   ready    entered by start(): delivering.                                                → closing
 *   closing  entered by close(): cancelling timers and consumers.                           → closed
 *   closed   terminal: every call but status()/close() fails with WARREN_ERR_DRIVER_CLOSED.
 */
import type { DriverState } from '../../driver/driver.js';

/** States of the memory driver (see the spec above). */
export type MemoryDriverState = Extract<DriverState, 'idle' | 'ready' | 'closing' | 'closed'>;

/** Legal moves of the memory driver: from → the states it may go to next. */
export const MEMORY_DRIVER_TRANSITIONS: Readonly<Record<MemoryDriverState, readonly MemoryDriverState[]>> = {
  idle: ['ready', 'closing'],
  ready: ['closing'],
  closing: ['closed'],
  closed: [],
};
