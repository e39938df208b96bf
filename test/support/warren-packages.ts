/*
 * The one place broker tests import the Warren packages from: their built output (`pnpm test`
 * builds first), exactly what users get. The root of the workspace has no @warren/* links, so the
 * paths are relative.
 */
export * from '../../packages/core/dist/index.js';
