/*
 * Turns zod issues from the config schema into diagnostics in plain sentences, each naming the key
 * path and a fix. Values are described by kind, never echoed in full (they may hold secrets).
 * Unknown keys are explained by doctor/checks/unknown-key-check.
 */
import type { z } from 'zod';
import type { Diagnostic } from '../doctor/diagnostic.js';
import { explainUnknownKey } from '../doctor/checks/unknown-key-check.js';
import { closestMatch } from '../doctor/levenshtein.js';
import { redactSecrets } from '../util/redact.js';
import { formatPath, type ConfigPath } from './config-path.js';
import { valueAt, type SchemaResolver } from './schema-resolver.js';
import { schemaDescription, schemaKind } from './schema-walker.js';

const INVALID = 'WARREN_ERR_CONFIG_INVALID';

/** `the number 5`, `the text "abc"`, `a list`, ... for messages. Long texts are cut, after their secrets are redacted. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    // Redact first: cut first, a URL loses its '@' and its password no longer looks like one (it was shown).
    const redacted = redactSecrets(value);
    return `the text ${JSON.stringify(redacted.length > 40 ? `${redacted.slice(0, 37)}...` : redacted)}`;
  }
  return `the ${typeof value} ${String(value)}`;
}

const ARTICLE_KINDS: Record<string, string> = {
  string: 'a text', number: 'a number', duration: 'a duration (like 500ms, 30s, 5m)', integer: 'an integer', int: 'an integer', boolean: 'true or false', array: 'a list', object: 'a mapping', record: 'a mapping',
};

/** Diagnostics for every issue of a failed schema parse. */
export function schemaDiagnostics(issues: readonly z.core.$ZodIssue[], resolver: SchemaResolver): Diagnostic[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => explainUnknownKey(resolver, issue.path, key));
    return [issueDiagnostic(issue, resolver)];
  });
}

function required(base: Omit<Diagnostic, 'message' | 'hint'>, path: string, resolver: SchemaResolver, segments: ConfigPath): Diagnostic {
  const hint = path === 'version' ? 'add `version: 1` at the top of the file' : fixHint(resolver, segments);
  return { ...base, message: `\`${path}\` is required`, hint };
}

function fixHint(resolver: SchemaResolver, path: ConfigPath): string {
  if (path.length === 0) return 'the config must be a mapping that starts with `version: 1`';
  const schema = resolver.at(path);
  const description = schema ? schemaDescription(schema) : undefined;
  const last = path[path.length - 1];
  const key = typeof last === 'number' ? `${String(path[path.length - 2] ?? '')}[${last}]` : String(last ?? '');
  if (!schema) return 'see docs/config.md';
  return `\`${key}\` takes ${schemaKind(schema)}${description ? `: ${description}` : ''}`;
}

function issueDiagnostic(issue: z.core.$ZodIssue, resolver: SchemaResolver): Diagnostic {
  const path = formatPath(issue.path);
  const value = valueAt(resolver.raw, issue.path);
  const base = { severity: 'error' as const, code: INVALID, path };
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return required(base, path, resolver, issue.path);
      return {
        ...base,
        message: `must be ${ARTICLE_KINDS[issue.expected] ?? issue.expected}, but is ${describeValue(value)}`,
        hint: fixHint(resolver, issue.path),
      };
    case 'invalid_value': {
      if (value === undefined) return required(base, path, resolver, issue.path);
      const allowed = issue.values.map((allowedValue) => String(allowedValue));
      const typo = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
      const expected = allowed.length === 1 ? `must be ${allowed[0]}` : `must be one of ${allowed.join(', ')}`;
      return { ...base, message: `${expected}, but is ${describeValue(value)}${typo ? `; did you mean \`${typo}\`?` : ''}`, hint: fixHint(resolver, issue.path) };
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const what = issue.origin === 'string' ? `${word} ${String(bound)} characters long` : issue.origin === 'array' ? `${word} ${String(bound)} items` : `${word} ${String(bound)}`;
      const message = issue.origin === 'string' && bound === 1 && issue.code === 'too_small' ? 'must not be empty' : `must be ${what}, but is ${describeValue(value)}`;
      return { ...base, message, hint: fixHint(resolver, issue.path) };
    }
    case 'invalid_union': {
      const schema = resolver.at(issue.path);
      const kind = schema ? schemaKind(schema) : 'another kind of value';
      const expected = kind.split(' or ').map((part) => ARTICLE_KINDS[part] ?? part).join(' or ');
      return { ...base, message: `must be ${expected}, but is ${describeValue(value)}`, hint: fixHint(resolver, issue.path) };
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { warrenCode?: string; warrenHint?: string; warrenDriver?: string };
      if (params.warrenDriver !== undefined) return driverNotFound(base.path, params.warrenDriver, resolver);
      return { ...base, code: params.warrenCode ?? INVALID, message: issue.message, hint: params.warrenHint ?? fixHint(resolver, issue.path) };
    }
    default:
      return { ...base, message: issue.message, hint: fixHint(resolver, issue.path) };
  }
}

function driverNotFound(path: string, driver: string, resolver: SchemaResolver): Diagnostic {
  const names = resolver.registry.names();
  const typo = closestMatch(driver, names);
  return {
    severity: 'error',
    code: 'WARREN_ERR_DRIVER_NOT_FOUND',
    path,
    message: `no driver named \`${driver}\` is registered (registered: ${names.join(', ') || '(none)'})${typo ? `; did you mean \`${typo}\`?` : ''}`,
    hint: typo ? `write driver: ${typo}` : `install and import the driver package (npm install @warren/${driver}), or use one of: ${names.join(', ')}`,
  };
}
