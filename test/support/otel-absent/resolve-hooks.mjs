/*
 * Module hooks for the optional-peer test: log every resolution and load of an `@opentelemetry/*` module to a file,
 * and with `block` make them fail as `ERR_MODULE_NOT_FOUND` does when the package is not installed.
 */
import { appendFileSync } from 'node:fs';

let options = { logFile: '', block: false };

export function initialize(data) {
  options = data;
}

export async function resolve(specifier, context, next) {
  if (!specifier.includes('@opentelemetry/')) return next(specifier, context);
  appendFileSync(options.logFile, `resolve ${specifier}\n`);
  if (options.block) {
    const error = new Error(`Cannot find package '${specifier}' (emulating an app without it installed)`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.includes('/@opentelemetry/')) appendFileSync(options.logFile, `load ${url}\n`);
  return next(url, context);
}
