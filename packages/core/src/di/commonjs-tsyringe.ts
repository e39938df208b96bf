/*
 * reflect-metadata and tsyringe, loaded with require(). Both are CommonJS packages: an ESM `import` of one
 * makes Node scan its source (and each file it re-exports) with cjs-module-lexer to find the named exports,
 * and on a worker that scan was hot enough to be optimised on a background thread whose memory stayed
 * resident — about 3.5 MB of an idle worker's RSS for Warren's CommonJS dependencies (bench/PERF-NOTES.md).
 * require() returns the very instances a user's own `import` of these packages gets.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// tsyringe refuses to load before the Reflect polyfill.
require('reflect-metadata');

export const { container, injectable } = require('tsyringe') as typeof import('tsyringe');
