/*
 * The `warren doctor` report: every diagnostic on its own line, prefixed with `file:line`, then a
 * one-line summary. The wording of each finding is core's (formatDiagnostic); this adds location
 * and counts.
 */
import { relative } from 'node:path';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '@warren/core';

/** Lines for a doctor report; `cwd` shortens file paths. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: { file: string | undefined; cwd: string }): string[] {
  const lines = sortDiagnostics(diagnostics).map((diagnostic) => {
    const file = diagnostic.file ?? options.file;
    const where = file === undefined ? '' : `${displayPath(file, options.cwd)}${diagnostic.line === undefined ? '' : `:${diagnostic.line}`}  `;
    return `${where}${formatDiagnostic(diagnostic)} (${diagnostic.code})`;
  });
  return [...lines, summarize(diagnostics, options.file === undefined ? undefined : displayPath(options.file, options.cwd))];
}

/** `2 errors, 1 warning in warren.yaml`, or `warren.yaml: no problems found`. */
export function summarize(diagnostics: readonly Diagnostic[], file: string | undefined): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const subject = file ?? 'the config';
  if (diagnostics.length === 0) return `${subject}: no problems found`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${subject}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function displayPath(file: string, cwd: string): string {
  const shown = relative(cwd, file);
  return shown === '' || shown.startsWith('..') ? file : shown;
}
