/*
 * Makes the drivers that ship with the CLI known to core's driverRegistry before any config is
 * read: importing @warren/amqp registers the `amqp` driver as a side effect.
 */

const BUNDLED_DRIVER_PACKAGES = ['@warren/amqp'];
let registering: Promise<void> | undefined;

/**
 * Imports the bundled driver packages once per process. A package that is not installed is
 * skipped: config validation then names the unregistered driver and how to install it.
 */
export function registerDriverPackages(): Promise<void> {
  registering ??= Promise.all(BUNDLED_DRIVER_PACKAGES.map(importIfInstalled)).then(() => undefined);
  return registering;
}

async function importIfInstalled(specifier: string): Promise<void> {
  try {
    await import(specifier); // a variable specifier keeps the CLI buildable before the driver is built
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
}
