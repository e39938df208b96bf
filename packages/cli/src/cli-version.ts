/*
 * The CLI's own package version (for --version and the versions `warren new` depends on),
 * read from packages/cli/package.json so it never drifts from what was published.
 */
import { readFileSync } from 'node:fs';

/** The version field of @warren/cli's package.json. */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
