/*
 * assertDecoratorMetadata: refuses job classes tsyringe could not construct because the app was
 * compiled without decorator metadata (a constructor parameter with neither a `design:paramtypes`
 * entry nor an @inject token). Without this, tsc exits 0 and every job fails at run time with
 * tsyringe's "TypeInfo not known". Checks metadata only; resolving tokens stays with the worker.
 */
import type {} from 'reflect-metadata';
import './commonjs-tsyringe.js'; // the Reflect metadata polyfill this check reads through
import { WarrenError } from '../errors/warren-error.js';
import type { JobDefinition } from '../job/job-definition.js';

/** tsyringe's per-parameter @inject() tokens (reflection-helpers.ts `INJECTION_TOKEN_METADATA_KEY`). */
const INJECTION_TOKENS_KEY = 'injectionTokens';

/** True when some constructor parameter of `jobClass` has no type metadata and no @inject token. */
export function isMissingDecoratorMetadata(jobClass: Function): boolean {
  if (jobClass.length === 0) return false;
  const paramTypes: unknown[] = Reflect.getMetadata('design:paramtypes', jobClass) ?? [];
  const tokens: Record<string, unknown> = Reflect.getOwnMetadata(INJECTION_TOKENS_KEY, jobClass) ?? {};
  for (let index = 0; index < jobClass.length; index += 1) {
    if (paramTypes[index] === undefined && tokens[index] === undefined) return true;
  }
  return false;
}

/** Throws WARREN_ERR_DI_METADATA_MISSING naming every job class whose constructor tsyringe cannot see. */
export function assertDecoratorMetadata(definitions: readonly JobDefinition[]): void {
  const classes = definitions.filter((definition) => isMissingDecoratorMetadata(definition.jobClass));
  if (classes.length === 0) return;
  const names = classes.map((definition) => `${definition.className} (${definition.name})`).join(', ');
  throw new WarrenError(
    'WARREN_ERR_DI_METADATA_MISSING',
    `job class ${names} has constructor parameters but no decorator metadata, so its dependencies cannot be injected`,
    {
      hint: 'Set "experimentalDecorators": true and "emitDecoratorMetadata": true in the compilerOptions of your tsconfig.json and rebuild '
        + "(in plain JavaScript, list the constructor's tokens with @Job's `inject` option).",
      details: { classes: classes.map((definition) => definition.className), jobs: classes.map((definition) => definition.name) },
    },
  );
}
