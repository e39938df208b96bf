#!/usr/bin/env node
/*
 * The `warren` executable: runs the CLI and exits with its code. Everything else is in run-cli.ts.
 */
import { runCli } from './run-cli.js';

const exitCode = await runCli(process.argv);
// Exit explicitly: a command that finished may still have idle sockets or timers from libraries.
process.exit(exitCode);
