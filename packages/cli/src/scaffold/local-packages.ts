/*
 * `warren new --from <dir>`: installs the @warren packages from packed tarballs (`pnpm pack`, `npm pack`)
 * instead of the registry, for unpublished versions and for tests. Points the project's dependencies
 * at the tarballs and overrides the packages' dependencies on each other too (npm `overrides`, yarn
 * `resolutions`, pnpm `overrides` in pnpm-workspace.yaml, the only place pnpm 10+ reads them), so no
 * manager asks the registry for them.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WarrenError } from '@warren/core';
import type { PackageManager } from './package-manager.js';

/** The packages a project depends on, by tarball name prefix (`@warren/core` packs as `warren-core-<version>.tgz`). */
const WARREN_PACKAGES = ['@warren/core', '@warren/amqp', '@warren/cli'] as const;

/** Package name → `file:` spec of its tarball in `dir`; WARREN_ERR_CLI_INVALID (exit 2) when one is missing. */
export function findLocalPackages(dir: string): Record<string, string> {
  const directory = resolve(dir);
  const files = existsSync(directory) ? readdirSync(directory).filter((file) => file.endsWith('.tgz')) : [];
  const specs: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of WARREN_PACKAGES) {
    const prefix = `${name.slice(1).replace('/', '-')}-`;
    // The newest version when several were packed: file names sort by version within one major.0.x line well enough for tests.
    const tarball = files.filter((file) => file.startsWith(prefix) && /^\d/.test(file.slice(prefix.length))).sort().pop();
    if (tarball) specs[name] = `file:${join(directory, tarball)}`;
    else missing.push(`${prefix}<version>.tgz`);
  }
  if (missing.length > 0) {
    throw new WarrenError('WARREN_ERR_CLI_INVALID', `--from ${directory} has no ${missing.join(', ')}`, {
      hint: 'Pack the packages into one directory first, e.g. `pnpm pack --pack-destination <dir>` in packages/core, amqp and cli.',
      details: { dir: directory, missing },
    });
  }
  return specs;
}

/** Rewrites the project's package.json (and for pnpm writes pnpm-workspace.yaml) to install the @warren packages from `specs`. */
export function useLocalPackages(projectDir: string, specs: Readonly<Record<string, string>>, packageManager: PackageManager): void {
  const path = join(projectDir, 'package.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
  for (const [name, spec] of Object.entries(specs)) if (manifest.dependencies?.[name]) manifest.dependencies[name] = spec;
  manifest.overrides = { ...manifest.overrides, ...specs };
  manifest.resolutions = { ...manifest.resolutions, ...specs };
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  if (packageManager === 'pnpm') {
    // JSON strings are YAML strings, so the paths need no further quoting.
    const lines = Object.entries(specs).map(([name, spec]) => `  ${JSON.stringify(name)}: ${JSON.stringify(spec)}`);
    writeFileSync(join(projectDir, 'pnpm-workspace.yaml'), ['# Written by `warren new --from`: the @warren packages come from these tarballs.', 'overrides:', ...lines, ''].join('\n'));
  }
}
