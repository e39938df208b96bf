/*
 * The last step before diagnostics leave the loader or doctor: attach the file and the line of the
 * key, remove URL passwords, drop duplicates, and sort errors first.
 */
import type { Diagnostic } from './diagnostic.js';
import { redactDiagnostic, sortDiagnostics } from './format-diagnostic.js';

function parentPath(path: string): string {
  return path.replace(/(\.[^.[\]]+|\[[^\]]+\])$/, '');
}

/** Adds `file` and `line` (the key's, or its nearest located parent's), redacts, dedupes and sorts. */
export function finalizeDiagnostics(diagnostics: readonly Diagnostic[], file: string | undefined, lines: ReadonlyMap<string, number>): Diagnostic[] {
  const seen = new Set<string>();
  const result: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    let line = diagnostic.line;
    for (let path = diagnostic.path; line === undefined && path !== ''; path = parentPath(path)) {
      line = lines.get(path);
      if (parentPath(path) === path) break;
    }
    const located = {
      ...diagnostic,
      ...(diagnostic.file === undefined && file !== undefined ? { file } : {}),
      ...(line === undefined ? {} : { line }),
    };
    const key = `${located.code}|${located.path}|${located.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(redactDiagnostic(located));
  }
  return sortDiagnostics(result);
}
