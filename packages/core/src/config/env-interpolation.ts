/*
 * `${VAR}` and `${VAR:-default}` in the string values of a parsed config (after YAML parsing, so a
 * value stays a string). `$${` writes a literal `${`. Pure: the environment is passed in. Never puts
 * a variable's value or default in a message, since either may hold a password.
 */
import type { Diagnostic } from '../doctor/diagnostic.js';
import { formatPath, type ConfigPath } from './config-path.js';

/** Environment variables for `${VAR}` interpolation (process.env by default). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The interpolated value plus one diagnostic per missing variable. */
export interface InterpolationResult {
  readonly value: unknown;
  readonly diagnostics: Diagnostic[];
}

// $${...} escapes; ${NAME} or ${NAME:-default} (default may be empty, may not contain `}`).
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces env references in every string of `value` (objects and arrays walked, keys untouched). */
export function interpolateEnv(value: unknown, env: Env = process.env): InterpolationResult {
  const diagnostics: Diagnostic[] = [];
  const walk = (node: unknown, path: ConfigPath): unknown => {
    if (typeof node === 'string') return interpolateString(node, env, path, diagnostics);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return node;
  };
  return { value: walk(value, []), diagnostics };
}

function interpolateString(text: string, env: Env, path: ConfigPath, diagnostics: Diagnostic[]): string {
  return text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const current = env[name];
    // Like the shell's `:-`, an empty variable takes the default too.
    if (current !== undefined && (current !== '' || fallback === undefined)) return current;
    if (fallback !== undefined) return fallback;
    diagnostics.push({
      severity: 'error',
      code: 'WARREN_ERR_CONFIG_ENV_MISSING',
      path: formatPath(path),
      message: `environment variable ${name} is not set and \`${match}\` has no default`,
      hint: `set ${name}, or give a default with \${${name}:-value}`,
    });
    return '';
  });
}
