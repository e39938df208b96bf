/*
 * Diagnostic: one finding of `doctor`, as shown to users and returned by the API.
 * Each check returns diagnostics and never throws.
 */

export type DiagnosticSeverity = 'error' | 'warning';

/** One finding: severity, stable code, key path, message and fix, located in the file when known. */
export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  /** Stable code (WARREN_ERR_CONFIG_* for errors, WARREN_WRN_NNN for warnings). */
  readonly code: string;
  /** Key path in the config, dotted: `jobs.pipelines.emails.options.reserve_timeout`. */
  readonly path: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
  /** The config file, when the config came from one. */
  readonly file?: string;
  /** 1-based line in `file` where the key is, when known. */
  readonly line?: number;
}
