/*
 * commander's classes, loaded with require(). commander is CommonJS (its ESM entry only wraps it): an ESM import
 * makes Node scan its source for named exports with cjs-module-lexer, which `warren run` would pay for in resident
 * memory for nothing (bench/PERF-NOTES.md). Each name is the class and its instance type, as with an import.
 */
import { createRequire } from 'node:module';
import type * as commander from 'commander';

const loaded = createRequire(import.meta.url)('commander') as typeof commander;

export const Command = loaded.Command;
export type Command = commander.Command;
export const CommanderError = loaded.CommanderError;
export type CommanderError = commander.CommanderError;
export const Option = loaded.Option;
export type Option = commander.Option;
