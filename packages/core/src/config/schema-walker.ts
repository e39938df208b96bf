/*
 * Read-only navigation of zod schemas by key path, for docs and the doctor: which keys an object
 * accepts, a key's description, default and kind. Knows zod's wrapper types; never parses values.
 */
import type { z } from 'zod';
import type { WarrenSchemaMeta } from './schema-primitives.js';
import type { ConfigPath } from './config-path.js';

type AnySchema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

/** The schema under wrappers (optional, default, prefault, nullable, readonly, catch) and pipes. */
export function unwrapSchema(schema: AnySchema): AnySchema {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    const def = defOf(current);
    if ('innerType' in def && def.innerType) current = def.innerType as AnySchema;
    else if (def.type === 'pipe') {
      const input = def.in as AnySchema;
      // A preprocess pipe starts with a transform: the shape is on the output side.
      current = defOf(input).type === 'transform' ? (def.out as AnySchema) : input;
    } else if (def.type === 'lazy') current = (def.getter as () => AnySchema)();
    else return current;
  }
  return current;
}

/** The schema of one child (object key, record value, array item), or undefined when there is none. */
export function childSchema(schema: AnySchema, segment: PropertyKey): AnySchema | undefined {
  const def = defOf(unwrapSchema(schema));
  if (def.type === 'object') return (def.shape as Record<string, AnySchema>)[String(segment)];
  if (def.type === 'record') return def.valueType as AnySchema;
  if (def.type === 'array') return def.element as AnySchema;
  return undefined;
}

/** The schema at `path`, or undefined when the path leaves the schema. */
export function schemaAt(schema: AnySchema, path: ConfigPath): AnySchema | undefined {
  let current: AnySchema | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    current = childSchema(current, segment);
  }
  return current;
}

/** Keys an object schema accepts (empty for non-objects). */
export function objectKeys(schema: AnySchema | undefined): string[] {
  if (!schema) return [];
  const def = defOf(unwrapSchema(schema));
  return def.type === 'object' ? Object.keys(def.shape as object) : [];
}

/** Walks wrappers from the outside in and returns the first value `pick` finds. */
function findInWrappers<T>(schema: AnySchema, pick: (s: AnySchema, def: Def) => T | undefined): T | undefined {
  let current: AnySchema | undefined = schema;
  for (let depth = 0; current && depth < 20; depth++) {
    const def = defOf(current);
    const found = pick(current, def);
    if (found !== undefined) return found;
    if ('innerType' in def && def.innerType) current = def.innerType as AnySchema;
    else if (def.type === 'pipe') current = defOf(def.in as AnySchema).type === 'transform' ? (def.out as AnySchema) : (def.in as AnySchema);
    else current = undefined;
  }
  return undefined;
}

/** The `.describe()` text of a key. */
export function schemaDescription(schema: AnySchema): string | undefined {
  return findInWrappers(schema, (s) => (s as unknown as { description?: string }).description);
}

/** Warren metadata (`warrenType`) of a key. */
export function schemaMeta(schema: AnySchema): WarrenSchemaMeta {
  return findInWrappers(schema, (s) => {
    const meta = (s as unknown as { meta?: () => WarrenSchemaMeta | undefined }).meta?.();
    return meta?.warrenType ? meta : undefined;
  }) ?? {};
}

/** The default as users would write it (input side), or undefined when the key has none. */
export function schemaDefault(schema: AnySchema): { value: unknown } | undefined {
  return findInWrappers(schema, (_s, def) => (def.type === 'default' || def.type === 'prefault' ? { value: def.defaultValue } : undefined));
}

/** True when the key may be left out (it is optional or has a default). */
export function isOptionalSchema(schema: AnySchema): boolean {
  return findInWrappers(schema, (_s, def) => (['optional', 'default', 'prefault'].includes(def.type) ? true : undefined)) ?? false;
}

/** A short name of the kind of value: `duration`, `integer`, `string`, `list of string`, `one of a, b`, ... */
export function schemaKind(schema: AnySchema): string {
  const meta = schemaMeta(schema);
  if (meta.warrenType) return meta.warrenType;
  const def = defOf(unwrapSchema(schema));
  switch (def.type) {
    case 'array':
      return `list of ${schemaKind(def.element as AnySchema)}`;
    case 'record': {
      const value = schemaKind(def.valueType as AnySchema);
      return value === 'unknown' ? 'mapping' : `map of ${value}`;
    }
    case 'object':
      return 'mapping';
    case 'enum':
      return `one of ${Object.values(def.entries as object).join(', ')}`;
    case 'union':
      return [...new Set((def.options as AnySchema[]).map((option) => schemaKind(option)))].join(' or ');
    case 'literal':
      return (def.values as unknown[]).map((value) => `\`${JSON.stringify(value)}\``).join(' | ');
    default:
      return def.type;
  }
}
