/*
 * The list of `warren` commands, in the order --help shows them.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { registerDoctorCommand } from './doctor.js';
import { registerNewCommand } from './new.js';

export function registerCommands(program: Command, context: CliContext): void {
  registerNewCommand(program, context);
  registerDoctorCommand(program, context);
}
