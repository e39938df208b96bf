/*
 * amqplib's connect(), loaded with require(). amqplib is CommonJS: an ESM `import` of it makes Node scan its
 * source for named exports with cjs-module-lexer, which costs an idle worker resident memory for nothing
 * (bench/PERF-NOTES.md). require() returns the same module a user's own `import 'amqplib'` gets.
 */
import { createRequire } from 'node:module';

export const { connect } = createRequire(import.meta.url)('amqplib') as typeof import('amqplib');
