/*
 * Explains one unknown key: a typo of a known key ("did you mean"), a key of another driver (registered
 * or well-known, like beanstalk's `reserve_timeout`), a driver option written outside `options`, or the
 * section of a driver that is not installed. Pure; the schema diagnostics call it per unknown key.
 */
import { formatPath, type ConfigPath } from '../../config/config-path.js';
import { isPipelineOptionsPath, pipelineDriverName, type SchemaResolver } from '../../config/schema-resolver.js';
import { objectKeys } from '../../config/schema-walker.js';
import type { Diagnostic } from '../diagnostic.js';
import { FOREIGN_KEYS, KNOWN_DRIVER_NAMES } from '../foreign-keys.js';
import { closestMatch } from '../levenshtein.js';

const CODE = 'WARREN_ERR_CONFIG_UNKNOWN_KEY';

function list(keys: readonly string[]): string {
  return keys.length === 0 ? '(none)' : keys.join(', ');
}

/** The diagnostic for key `key` found under `parentPath`, which the schema there does not accept. */
export function explainUnknownKey(resolver: SchemaResolver, parentPath: ConfigPath, key: string): Diagnostic {
  const path = formatPath([...parentPath, key]);
  const known = objectKeys(resolver.at(parentPath));
  const { registry, raw } = resolver;
  const typo = closestMatch(key, known);
  const typoHint = typo ? `; did you mean \`${typo}\`?` : '';

  if (parentPath.length === 0 && !registry.has(key)) {
    const usedAsDriver = Object.keys(Object((raw as { jobs?: { pipelines?: object } })?.jobs?.pipelines ?? {})).some(
      (name) => pipelineDriverName(raw, name) === key,
    );
    if (!typo && (KNOWN_DRIVER_NAMES.includes(key) || usedAsDriver)) {
      return {
        severity: 'error', code: 'WARREN_ERR_DRIVER_NOT_FOUND', path,
        message: `\`${key}\` is the section of the ${key} driver, which is not registered (registered drivers: ${list(registry.names())})`,
        hint: `install the driver package (npm install @warren/${key}) and import it before loading the config, or remove the \`${key}\` section`,
      };
    }
  }

  if (isPipelineOptionsPath(parentPath) && parentPath.length === 4) {
    const driver = pipelineDriverName(raw, parentPath[2] as PropertyKey);
    const owner = FOREIGN_KEYS[key] ?? ownerAmong(resolver, key, driver, (name) => objectKeys(registry.get(name).optionsSchema));
    if (owner && owner !== driver) {
      return {
        severity: 'error', code: CODE, path,
        message: `\`${key}\` is a ${owner} option; the ${driver} driver has no such key${typoHint}`,
        hint: typo ? `rename \`${key}\` to \`${typo}\`` : `remove \`${key}\`; ${driver} pipeline options are: ${list(known)}`,
      };
    }
  }

  if (parentPath.length === 3 && parentPath[0] === 'jobs' && parentPath[1] === 'pipelines' && !known.includes(key)) {
    const driver = pipelineDriverName(raw, parentPath[2] as PropertyKey);
    if (objectKeys(resolver.at([...parentPath, 'options'])).includes(key)) {
      return {
        severity: 'error', code: CODE, path,
        message: `\`${key}\` is an option of the ${driver} driver and belongs under \`options\``,
        hint: `move it to ${formatPath([...parentPath, 'options', key])}`,
      };
    }
  }

  if (parentPath.length === 1 && registry.has(String(parentPath[0]))) {
    const driver = String(parentPath[0]);
    const owner = FOREIGN_KEYS[key] ?? ownerAmong(resolver, key, driver, (name) => objectKeys(registry.get(name).sectionSchema));
    if (owner && !typo) {
      return {
        severity: 'error', code: CODE, path,
        message: `\`${key}\` belongs to the ${owner} driver; the ${driver} section has no such key`,
        hint: `remove \`${key}\`; the ${driver} section accepts: ${list(known)}`,
      };
    }
  }

  return {
    severity: 'error', code: CODE, path,
    message: `unknown key \`${key}\`${parentPath.length ? ` in ${formatPath(parentPath)}` : ''}${typoHint}`,
    hint: typo ? `rename \`${key}\` to \`${typo}\`` : `remove \`${key}\`; known keys here: ${list(known)}`,
  };
}

/** The first other registered driver whose schema (options or section) has `key`. */
function ownerAmong(resolver: SchemaResolver, key: string, self: string, keysOf: (name: string) => string[]): string | undefined {
  return resolver.registry.names().find((name) => name !== self && keysOf(name).includes(key));
}
