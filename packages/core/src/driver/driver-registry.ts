/*
 * DriverRegistry: the drivers a process knows, by name. Config building, doctor and Warren read it.
 * The in-memory driver is registered by default; `@warren/amqp` registers itself on import.
 */
import { WarrenError } from '../errors/warren-error.js';
import type { AnyDriverDefinition } from './driver-definition.js';

/** Registered drivers by name; `register` rejects a second definition under a taken name. */
export class DriverRegistry {
  readonly #drivers = new Map<string, AnyDriverDefinition>();

  /** Adds a driver; registering the same definition twice is a no-op, another one under a taken name fails. */
  register(definition: AnyDriverDefinition): this {
    const existing = this.#drivers.get(definition.name);
    if (existing && existing !== definition) {
      throw new WarrenError('WARREN_ERR_DRIVER_DUPLICATE_NAME', `a driver named "${definition.name}" is already registered`);
    }
    this.#drivers.set(definition.name, definition);
    return this;
  }

  get(name: string): AnyDriverDefinition {
    const definition = this.#drivers.get(name);
    if (!definition) {
      throw new WarrenError('WARREN_ERR_DRIVER_NOT_FOUND', `no driver named "${name}" is registered (known: ${this.names().join(', ')})`, {
        hint: `Install and import the driver package (npm install @warren/${name}), or use one of: ${this.names().join(', ')}.`,
      });
    }
    return definition;
  }

  has(name: string): boolean {
    return this.#drivers.has(name);
  }

  names(): string[] {
    return [...this.#drivers.keys()];
  }

  all(): AnyDriverDefinition[] {
    return [...this.#drivers.values()];
  }
}

/** The process-wide registry that drivers register into on import. */
export const driverRegistry = new DriverRegistry();
