/*
 * One vitest run for the whole workspace. Sources go through SWC so that decorator metadata is
 * emitted as tsc would (esbuild does not emit it). Unit tests and broker tests on their own queues run in parallel;
 * the tests that restart RabbitMQ run after them, one file at a time; tests on nodes of their own run beside those.
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
    // Two cores, two workers: first the unit files, the broker files that keep to their own queues and the files on
    // RabbitMQ nodes of their own (test/nodes, never the default broker); then, alone and one at a time, the files
    // that restart or reconfigure the default broker (test/chaos). Vitest wants one maxWorkers per groupOrder.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          testTimeout: 20_000,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Broker tests on queues, users and connections of their own: they may run beside each other.
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.int.test.ts'],
          globalSetup: ['test/support/require-broker.ts'],
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Broker tests that stop, restart, force-close or reconfigure (alarms, max_message_size) the default broker.
        extends: true,
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.int.test.ts'],
          globalSetup: ['test/support/require-broker.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Tests on RabbitMQ nodes of their own (a 3-node cluster, a TLS listener) on ports of their own, never the default
        // broker.
        extends: true,
        test: {
          name: 'nodes',
          include: ['test/nodes/**/*.int.test.ts'],
          maxWorkers: 2,
          testTimeout: 180_000,
          hookTimeout: 240_000,
          sequence: { groupOrder: 0 },
        },
      },
    ],
  },
});
