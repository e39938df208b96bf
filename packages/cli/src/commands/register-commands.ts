/*
 * The list of `warren` commands, in the order --help shows them.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { registerDashboardCommand } from './dashboard.js';
import { registerDlqCommand } from './dlq.js';
import { registerDoctorCommand } from './doctor.js';
import { registerNewCommand } from './new.js';
import { registerPushCommand } from './push.js';
import { registerRunCommand } from './run.js';
import { registerStatusCommand } from './status.js';

export function registerCommands(program: Command, context: CliContext): void {
  registerNewCommand(program, context);
  registerRunCommand(program, context);
  registerPushCommand(program, context);
  registerDoctorCommand(program, context);
  registerStatusCommand(program, context);
  registerDlqCommand(program, context);
  registerDashboardCommand(program, context);
}
