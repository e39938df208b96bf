import { describe, expect, it } from 'vitest';
import { memoryIo, runCli } from '../../src/index.js';
import { cliVersion } from '../../src/cli-version.js';

const argv = (...args: string[]) => ['node', 'warren', ...args];

describe('runCli', () => {
  it('prints the package version with --version and exits 0', async () => {
    const io = memoryIo();
    expect(await runCli(argv('--version'), io)).toBe(0);
    expect(io.stdout).toEqual([cliVersion()]);
  });

  it.each(['new', 'run', 'push', 'doctor', 'status', 'dlq', 'dlq list', 'dlq replay', 'dlq purge', 'dashboard'])('has --help for `%s`', async (command) => {
    const io = memoryIo();
    expect(await runCli(argv(...command.split(' '), '--help'), io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(new RegExp(`^Usage: warren ${command} `));
  });

  it.each([
    [['bogus'], "warren: unknown command 'bogus' (WARREN_ERR_CLI_INVALID)"],
    [['run', '--nope'], "warren: unknown option '--nope' (WARREN_ERR_CLI_INVALID)"],
    [['push'], "warren: missing required argument 'job' (WARREN_ERR_CLI_INVALID)"],
    [['push', 'x', '{not json'], expect.stringMatching(/^warren: the payload is not valid JSON: .* \(WARREN_ERR_CLI_INVALID\)$/)],
    [['push', 'x', '--delay', 'soon'], 'warren: --delay "soon" is not a duration (WARREN_ERR_CLI_INVALID)'],
  ])('exits 2 with one error line and a hint for %j', async (args, line) => {
    const io = memoryIo();
    expect(await runCli(argv(...args), io)).toBe(2);
    expect(io.stderr[0]).toEqual(line);
    expect(io.stderr[1]).toMatch(/^ {2}hint: /);
  });

  it.each([[[]], [['dlq']]])('prints help on stderr and exits 2 when the subcommand is missing: %j', async (args) => {
    const io = memoryIo();
    expect(await runCli(argv(...args), io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join('\n')).toMatch(new RegExp(`^Usage: warren ${args.join(' ')}`.trim()));
  });

  it('prints asked-for help on stdout and exits 0 (`warren help`, `warren dlq --help`)', async () => {
    for (const args of [['help'], ['dlq', '--help']]) {
      const io = memoryIo();
      expect(await runCli(argv(...args), io)).toBe(0);
      expect(io.stderr).toEqual([]);
      expect(io.stdout.join('\n')).toMatch(/^Usage: warren/);
    }
  });

  it('exits 2 when the config file is missing', async () => {
    const io = memoryIo({ cwd: '/nonexistent-dir' });
    expect(await runCli(argv('status'), io)).toBe(2);
    expect(io.stderr[0]).toMatch(/WARREN_ERR_CONFIG_NOT_FOUND\)$/);
  });
});
