/*
 * runCli: builds the commander program, runs one command and turns its outcome into an exit code.
 * The only place that catches command errors and prints them (format-error.ts).
 */
import { Command, CommanderError } from './commander-module.js';
import type { CliContext } from './cli-context.js';
import { cliVersion } from './cli-version.js';
import { registerCommands } from './commands/register-commands.js';
import { EXIT_CODES, exitCodeFor, type ExitCode } from './exit-codes.js';
import { processIo, type CliIo } from './output/cli-io.js';
import { formatError } from './output/format-error.js';

/** Commander "errors" that are really a successful --help or --version. */
const INFORMATIONAL_EXITS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * True for a help that commander printed on stderr because a subcommand was missing (`warren`, `warren dlq`):
 * a usage error, exit 2. Asked-for help (`--help`, `warren help`) exits 0 with the help on stdout.
 */
function isHelpForMissingCommand(error: CommanderError): boolean {
  return error.code === 'commander.help' && error.exitCode !== 0;
}

/** Runs `warren` with `argv` (as process.argv: node, script, ...args) and resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo(), exit: (code: ExitCode) => void = process.exit): Promise<ExitCode> {
  const context: CliContext = { io, exitCode: EXIT_CODES.ok, exit };
  const program = createProgram(context);
  try {
    await program.parseAsync([...argv]);
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError && isHelpForMissingCommand(error)) return EXIT_CODES.usage;
    if (error instanceof CommanderError && INFORMATIONAL_EXITS.has(error.code)) return EXIT_CODES.ok;
    for (const line of formatError(error, { verbose: argv.includes('--verbose') })) io.err(line);
    return exitCodeFor(error);
  }
}

/** The `warren` program with every command registered. */
export function createProgram(context: CliContext): Command {
  const { io } = context;
  const program = new Command('warren')
    .description('Warren: background jobs on RabbitMQ')
    .version(cliVersion(), '-V, --version', 'print the version')
    .option('--verbose', 'print stacks of errors')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      outputError: () => {}, // runCli prints errors in the one Warren format
    });
  registerCommands(program, context);
  return program;
}
