/*
 * Writes a new Warren project from packages/cli/templates/app: copies every template file,
 * fills in {{name}} and {{warrenVersion}}, and renames the files npm would mangle on publish.
 * Does not install dependencies (commands/new.ts runs npm).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WarrenError } from '@warren/core';

/** packages/cli/templates/app, from both src/ (tests) and dist/ (the binary). */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/app', import.meta.url));

/**
 * npm pack drops `.gitignore` and treats a nested `package.json` as a package, so both ship renamed.
 * Every other file under templates/app is written as it is: a file added there (a Dockerfile, say)
 * becomes part of every new project with no change here; a dot-file ships under its name without the dot
 * and is listed here (`dockerignore` is ready for a `.dockerignore`).
 */
const RENAMED_ON_WRITE: Readonly<Record<string, string>> = {
  'gitignore': '.gitignore',
  'dockerignore': '.dockerignore',
  'package.json.tmpl': 'package.json',
};

export interface ScaffoldOptions {
  readonly targetDir: string;
  /** The version of the @warren packages to depend on (this CLI's own version). */
  readonly warrenVersion: string;
  /** Write into a non-empty directory, overwriting files with the same names. */
  readonly force: boolean;
  /** The package name; default the directory's name, made npm-safe. */
  readonly name?: string;
}

/** Writes the project and returns the files written, relative to `targetDir`, sorted. */
export function scaffoldProject(options: ScaffoldOptions): string[] {
  const { targetDir } = options;
  if (!options.force && existsSync(targetDir) && readdirSync(targetDir).length > 0) {
    throw new WarrenError('WARREN_ERR_CLI_NOT_EMPTY', `the directory ${targetDir} is not empty`);
  }
  const values: Record<string, string> = {
    name: options.name ?? packageNameFrom(basename(targetDir)),
    warrenVersion: options.warrenVersion,
  };
  const written: string[] = [];
  for (const source of listFiles(TEMPLATE_DIR)) {
    const templatePath = relative(TEMPLATE_DIR, source);
    const targetPath = join(dirname(templatePath), RENAMED_ON_WRITE[basename(templatePath)] ?? basename(templatePath));
    const destination = join(targetDir, targetPath);
    mkdirSync(dirname(destination), { recursive: true });
    writeFileSync(destination, fillPlaceholders(readFileSync(source, 'utf8'), values));
    written.push(targetPath);
  }
  return written.sort();
}

/** Replaces every `{{key}}`; an unknown key is a bug in the templates, so it fails loudly. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template placeholder {{${key}}} has no value`);
    return value;
  });
}

/** A valid npm package name from a directory name: lowercase, URL-safe characters only. */
export function packageNameFrom(directoryName: string): string {
  const name = directoryName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '');
  return name === '' ? 'warren-app' : name;
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}
