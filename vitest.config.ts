/*
 * One vitest run for the whole workspace. Sources go through SWC so that decorator metadata is
 * emitted as tsc would (esbuild does not emit it). Unit tests run in parallel; broker tests run one
 * file at a time because some of them restart RabbitMQ; tests on nodes of their own run beside them.
 */
import './test/support/node20-polyfills.mjs';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const swcPlugin = swc.vite({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
});

export default defineConfig({
  plugins: [swcPlugin],
  test: {
    // The same shims inside every test worker process.
    execArgv: ['--import', new URL('./test/support/node20-polyfills.mjs', import.meta.url).pathname],
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    setupFiles: ['test/support/leak-check.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.int.test.ts'],
          globalSetup: ['test/support/require-broker.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Tests on RabbitMQ nodes of their own (a 3-node cluster, a TLS listener), never the default broker: they run
        // beside the integration project, one file at a time (each starts nodes on fixed ports).
        extends: true,
        test: {
          name: 'nodes',
          include: ['test/nodes/**/*.int.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
