/*
 * Key paths in a config, as segments and as the text users see: `jobs.consume[0]`,
 * `jobs.pipelines.emails.options.prefetch`. Pure formatting; no schema knowledge.
 */

/** Segments of a key path: object keys and array indices. */
export type ConfigPath = ReadonlyArray<PropertyKey>;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['jobs', 'consume', 0]` → `jobs.consume[0]`; odd keys are quoted: `jobs.pipelines["a.b"]`. */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(String(segment))) text += text === '' ? String(segment) : `.${String(segment)}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}
