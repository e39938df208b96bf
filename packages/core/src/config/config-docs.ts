/*
 * Generates the key reference of docs/config.md from the schema: every key with its kind, default
 * and `.describe()` text. Core keys always; a driver's section and options when it is registered.
 */
import type { z } from 'zod';
import { DriverRegistry } from '../driver/driver-registry.js';
import { buildConfigSchema } from './config-schema.js';
import { formatDurationMs } from '../util/duration.js';
import { childSchema, isOptionalSchema, objectKeys, schemaDefault, schemaDescription, schemaKind, schemaMeta, unwrapSchema } from './schema-walker.js';

/** One documented key. */
export interface ConfigKeyDoc {
  /** Dotted path; record entries appear as `<name>`: `jobs.pipelines.<name>.concurrency`. */
  readonly path: string;
  readonly kind: string;
  /** The default as written in YAML, `required`, or `—` for optional keys without one. */
  readonly defaultText: string;
  readonly description: string;
}

function defaultText(schema: z.core.$ZodType): string {
  const found = schemaDefault(schema);
  if (found) {
    const value = found.value;
    if (schemaMeta(schema).warrenType === 'duration' && typeof value === 'number') return formatDurationMs(value);
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  return isOptionalSchema(schema) ? '—' : 'required';
}

/** Every key under `schema`, depth first, with `prefix` before each path. */
export function listConfigKeys(schema: z.core.$ZodType, prefix = ''): ConfigKeyDoc[] {
  const keys: ConfigKeyDoc[] = [];
  for (const key of objectKeys(schema)) {
    const child = childSchema(schema, key);
    if (!child) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    keys.push({ path, kind: schemaKind(child), defaultText: defaultText(child), description: schemaDescription(child) ?? '' });
    const inner = unwrapSchema(child);
    const type = (inner._zod.def as { type: string }).type;
    if (type === 'object') keys.push(...listConfigKeys(child, path));
    else if (type === 'record') keys.push(...listConfigKeys(childSchema(child, '<name>') as z.core.$ZodType, `${path}.<name>`));
  }
  return keys;
}

/** Keys of each registered driver's pipeline options, as `jobs.pipelines.<name>.options.<key>` rows. */
function driverOptionKeys(registry: DriverRegistry): ConfigKeyDoc[] {
  return registry.all().flatMap((driver) =>
    listConfigKeys(driver.optionsSchema, 'jobs.pipelines.<name>.options').map((key) => ({ ...key, description: `(${driver.name}) ${key.description}` })),
  );
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The markdown key table for the drivers in `registry` (core keys only for an empty registry). */
export function renderConfigDocs(registry: DriverRegistry = new DriverRegistry()): string {
  const rows = [...listConfigKeys(buildConfigSchema(registry)), ...driverOptionKeys(registry)];
  const lines = ['| Key | Kind | Default | Meaning |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| \`${row.path}\` | ${escapeCell(row.kind)} | ${row.defaultText === '—' || row.defaultText === 'required' ? row.defaultText : `\`${escapeCell(row.defaultText)}\``} | ${escapeCell(row.description)} |`);
  }
  return `${lines.join('\n')}\n`;
}
