/*
 * Reads a config source — a file path (YAML or JSON) or an object — into a raw value, with YAML
 * syntax errors as diagnostics and a map from key paths to line numbers for later messages.
 * Does not interpolate or validate. The yaml parser is imported only when a file is read, so a
 * process configured with an object never loads it (~6 MB RSS).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Node } from 'yaml';
import type { Diagnostic } from '../doctor/diagnostic.js';
import { formatPath } from './config-path.js';

export interface ConfigSource {
  /** The parsed value; undefined when the file could not be read or parsed. */
  readonly raw: unknown;
  /** Absolute path of the file, when the source was one. */
  readonly file: string | undefined;
  readonly diagnostics: Diagnostic[];
  /** Formatted key path → 1-based line of the key in the file. */
  readonly lines: ReadonlyMap<string, number>;
}

/** Reads and parses `source`; never throws (a missing file or bad YAML becomes a diagnostic). */
export async function readConfigSource(source: string | object): Promise<ConfigSource> {
  if (typeof source !== 'string') return { raw: source, file: undefined, diagnostics: [], lines: new Map() };
  const file = resolve(source);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
    return {
      raw: undefined, file, lines: new Map(),
      diagnostics: [{
        severity: 'error', code: 'WARREN_ERR_CONFIG_NOT_FOUND', path: '', file,
        message: `config file ${file} ${reason}`,
        hint: 'pass the right path with -c, or create warren.yaml (`warren new` writes one)',
      }],
    };
  }
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = await import('yaml');
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      raw: undefined, file, lines: new Map(),
      diagnostics: document.errors.map((error) => {
        const line = error.linePos?.[0]?.line;
        // The first line of a yaml message is the reason; the rest is a source excerpt we leave out.
        const reason = (error.message.split('\n')[0] ?? error.message).replace(/:\s*$/, '');
        return {
          severity: 'error' as const, code: 'WARREN_ERR_CONFIG_INVALID', path: '', file,
          ...(line === undefined ? {} : { line }),
          message: `YAML syntax error${line === undefined ? '' : ` at line ${line}`}: ${reason}`,
          hint: 'fix the YAML syntax (indentation, quotes, a `:` after each key)',
        };
      }),
    };
  }
  const lines = new Map<string, number>();
  const record = (path: PropertyKey[], node: unknown): void => {
    const offset = (node as Node | null)?.range?.[0];
    if (offset !== undefined) lines.set(formatPath(path), lineCounter.linePos(offset).line);
  };
  const walk = (node: unknown, path: PropertyKey[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        record([...path, key], pair.key);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        record([...path, index], item);
        walk(item, [...path, index]);
      });
    }
  };
  walk(document.contents, []);
  return { raw: document.toJS(), file, diagnostics: [], lines };
}
