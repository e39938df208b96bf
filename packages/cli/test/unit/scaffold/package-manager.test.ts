import { describe, expect, it } from 'vitest';
import { detectPackageManager, installCommand, parsePackageManager, runScript } from '../../../src/scaffold/package-manager.js';

describe('package manager of warren new', () => {
  it.each([
    ['npm/11.19.1 node/v20.20.2 linux x64 workspaces/false', 'npm'],
    ['pnpm/12.4.2 npm/? node/v20.20.2 linux x64', 'pnpm'],
    ['yarn/1.22.22 npm/? node/v20.20.2 linux x64', 'yarn'],
    ['bun/1.1.0 npm/? node/v20.0.0', 'npm'],
    ['', 'npm'],
    [undefined, 'npm'],
  ])('picks from user agent %j: %s', (userAgent, expected) => {
    expect(detectPackageManager(userAgent)).toBe(expected);
  });

  it('accepts npm, pnpm and yarn for --pm and refuses anything else as a usage error', () => {
    expect(['npm', 'pnpm', 'yarn'].map(parsePackageManager)).toEqual(['npm', 'pnpm', 'yarn']);
    expect(() => parsePackageManager('bun')).toThrow(expect.objectContaining({ code: 'WARREN_ERR_CLI_INVALID' }));
  });

  it.each([
    ['win32', true],
    ['linux', false],
    ['darwin', false],
  ] as const)('spawns the install through a shell on %s: %s', (platform, shell) => {
    expect(installCommand('pnpm', platform)).toEqual({ command: 'pnpm', args: ['install'], shell });
  });

  it.each([
    ['npm', 'test', 'npm test'],
    ['npm', 'build', 'npm run build'],
    ['pnpm', 'build', 'pnpm build'],
    ['yarn', 'start', 'yarn start'],
  ] as const)('spells %s %s as %j', (pm, script, expected) => {
    expect(runScript(pm, script)).toBe(expected);
  });
});
