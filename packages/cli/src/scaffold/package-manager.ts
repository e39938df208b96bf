/*
 * Which package manager `warren new` installs with, and how it is spawned: the one named by --pm,
 * else the one that ran the CLI (npm_config_user_agent, e.g. "pnpm/10.0.0 npm/? node/v20.0.0"), else npm.
 * Pure: no spawning here (commands/new.ts spawns).
 */
import { WarrenError } from '@warren/core';

export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

function isPackageManager(value: string): value is PackageManager {
  return (PACKAGE_MANAGERS as readonly string[]).includes(value);
}

/** The package manager named by the user agent string npm, pnpm and yarn set for what they run; npm otherwise. */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split('/', 1)[0]?.trim() ?? '';
  return isPackageManager(name) ? name : 'npm';
}

/** --pm's value, or WARREN_ERR_CLI_INVALID (exit 2). */
export function parsePackageManager(value: string): PackageManager {
  if (isPackageManager(value)) return value;
  throw new WarrenError('WARREN_ERR_CLI_INVALID', `--pm must be one of ${PACKAGE_MANAGERS.join(', ')}, not "${value}"`, {
    hint: 'Leave --pm out to use the package manager that ran warren.',
  });
}

/** What to spawn for an install. */
export interface InstallCommand {
  readonly command: PackageManager;
  readonly args: readonly string[];
  /**
   * On Windows the managers are `.cmd` scripts, which Node spawns only through a shell (since the
   * CVE-2024-27980 fix). The arguments are fixed words, so the shell sees nothing user-supplied.
   */
  readonly shell: boolean;
}

export function installCommand(packageManager: PackageManager, platform: NodeJS.Platform = process.platform): InstallCommand {
  return { command: packageManager, args: ['install'], shell: platform === 'win32' };
}

/** How the project's README-style next steps spell running a script: `npm test`, `pnpm start`, `yarn build`. */
export function runScript(packageManager: PackageManager, script: string): string {
  return packageManager === 'npm' && script !== 'test' && script !== 'start' ? `npm run ${script}` : `${packageManager} ${script}`;
}
