/*
 * The directory `warren new <dir>` writes into, checked before anything is written: an empty name
 * (which would mean the current directory) and a path that exists but is not a directory are usage
 * errors (exit 2). Whether the directory is empty is scaffold-project.ts's check.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { WarrenError } from '@warren/core';

/** The absolute target directory of `dir`, or WARREN_ERR_CLI_INVALID when it cannot be one. */
export function resolveTargetDir(cwd: string, dir: string): string {
  if (dir.trim() === '') {
    throw new WarrenError('WARREN_ERR_CLI_INVALID', 'the project directory is empty', {
      hint: 'Name the directory to create, e.g. `warren new my-app` (use `warren new .` for the current directory).',
    });
  }
  const targetDir = resolve(cwd, dir);
  if (isBlockedByFile(targetDir)) {
    throw new WarrenError('WARREN_ERR_CLI_INVALID', `${targetDir} is not a directory`, {
      hint: 'Choose a path that does not exist yet, or an empty directory.',
      details: { targetDir },
    });
  }
  return targetDir;
}

/** True when `path`, or a parent of it, exists as something other than a directory. */
function isBlockedByFile(path: string): boolean {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats !== undefined && !stats.isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return true; // a parent is a file
    throw error;
  }
}
