/*
 * How diagnostics are shown and summarised: one line per finding, errors before warnings.
 * Redaction happens where diagnostics are made (redactDiagnostic); this file only formats.
 */
import { redactSecrets } from '../util/redact.js';
import type { Diagnostic } from './diagnostic.js';

/** True when any diagnostic is an error (config unusable). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}

/** One line: `error  jobs.consume[0]: pipeline "widgets" is not defined → fix: ...`. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const severity = diagnostic.severity === 'error' ? 'error' : 'warn ';
  const where = diagnostic.path === '' ? '(root)' : diagnostic.path;
  return `${severity}  ${where}: ${diagnostic.message} → fix: ${diagnostic.hint}`;
}

/** Errors first, then warnings; each group by file line, then path (stable). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.severity === 'error' ? 0 : 1);
  return [...diagnostics].sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || a.path.localeCompare(b.path));
}

/** The diagnostic with URL passwords removed from its message and hint. */
export function redactDiagnostic(diagnostic: Diagnostic): Diagnostic {
  return { ...diagnostic, message: redactSecrets(diagnostic.message), hint: redactSecrets(diagnostic.hint) };
}
