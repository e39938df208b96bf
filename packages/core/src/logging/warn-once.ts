/*
 * Config warnings (WARREN_WRN_NNN) go out through the logger at most once per process per finding,
 * so a process that builds several Warren instances from one config does not repeat itself.
 */
import type { Logger } from 'pino';
import type { Diagnostic } from '../doctor/diagnostic.js';

const alreadyLogged = new Set<string>();

export function logWarningsOnce(logger: Logger, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity !== 'warning') continue;
    const key = `${diagnostic.code}|${diagnostic.file ?? ''}|${diagnostic.path}`;
    if (alreadyLogged.has(key)) continue;
    alreadyLogged.add(key);
    logger.warn({ code: diagnostic.code, path: diagnostic.path, file: diagnostic.file, hint: diagnostic.hint }, diagnostic.message);
  }
}
