/*
 * AmqplibInternals: decides whether Warren's two uses of amqplib's private API may run — the publish fast path
 * (publisher/publish-writer.ts) and the straggler-frame guard (straggler-frame-guard.ts). Compares the installed
 * amqplib version with PROVED_AMQPLIB_VERSION, then checks the private fields and methods each use needs, on a
 * live connection and a live confirm channel. Decides once per process: amqplib builds every connection and
 * channel from one class, so the first of each class decides. When anything differs it logs WARREN_WRN_102
 * once. It installs nothing and writes nothing: callers get a boolean.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { Logger } from '@warren/core';
import { AMQP_WARNING_CODES } from '../amqp-warning-codes.js';
import { CHANNEL_SHAPES, FAST_PATH_CONNECTION_SHAPES, GUARD_CONNECTION_SHAPES, differencesOf } from './amqplib-shapes.js';

/**
 * The amqplib version the fast path and the guard were proved against (publish-frames.test.ts compares the encoder
 * with this version's own; amqp-publish-writer and amqp-straggler-guard integration tests run them on a broker).
 * package.json pins exactly this version; change both together, after running those tests.
 */
export const PROVED_AMQPLIB_VERSION = '2.3.1';

/** What may run on amqplib as installed, and why not when something may not. */
export interface AmqplibVerdict {
  /** The publish fast path may write frames itself (otherwise every publish goes through ConfirmChannel.publish). */
  readonly fastPath: boolean;
  /** The straggler-frame guard may be installed on connections. */
  readonly guard: boolean;
  /** What differed from what Warren was proved against, one short phrase each; empty when nothing did. */
  readonly differences: readonly string[];
}

export interface AmqplibInternalsOptions {
  /** The installed amqplib version, undefined when unknown (default: read from amqplib's package.json). */
  readonly installedVersion?: () => string | undefined;
}

interface ConnectionFindings {
  readonly guard: readonly string[];
  readonly fastPath: readonly string[];
}

export class AmqplibInternals {
  readonly #installedVersion: () => string | undefined;
  #versionDifferences: readonly string[] | undefined;
  /** Findings per class (prototype) of amqplib's Connection and of its ConfirmChannel. */
  readonly #connections = new WeakMap<object, ConnectionFindings>();
  readonly #channels = new WeakMap<object, readonly string[]>();
  #hasWarned = false;

  constructor(options: AmqplibInternalsOptions = {}) {
    this.#installedVersion = options.installedVersion ?? readInstalledAmqplibVersion;
  }

  /** Whether the straggler guard may be installed on `model`, a freshly dialed connection. Never logs. */
  canGuard(model: ChannelModel): boolean {
    const connection = (model as unknown as { connection?: unknown }).connection;
    return this.#version().length === 0 && this.#connection(connection).guard.length === 0;
  }

  /**
   * The whole verdict, judged on `channel`, a freshly opened confirm channel, and its connection. Logs
   * WARREN_WRN_102 through `logger` the first time a verdict has differences (once per process).
   */
  judgeConfirmChannel(channel: ConfirmChannel, logger: Logger): AmqplibVerdict {
    const verdict = this.#judge(channel);
    if (verdict.differences.length > 0 && !this.#hasWarned) {
      this.#hasWarned = true;
      const off = [verdict.fastPath ? undefined : 'publishing through ConfirmChannel.publish', verdict.guard ? undefined : 'no straggler-frame guard'];
      logger.warn(
        { code: 'WARREN_WRN_102', event: 'amqp.amqplib.internals', differences: verdict.differences, fastPath: verdict.fastPath, guard: verdict.guard,
          hint: AMQP_WARNING_CODES.WARREN_WRN_102.hint },
        `amqplib is not as @warren/amqp was proved against (${verdict.differences.join('; ')}): ${off.filter(Boolean).join(', ')}`,
      );
    }
    return verdict;
  }

  #judge(channel: ConfirmChannel): AmqplibVerdict {
    const version = this.#version();
    if (version.length > 0) return { fastPath: false, guard: false, differences: version };
    const connection = this.#connection((channel as unknown as { connection?: unknown }).connection);
    const channelDifferences = memoised(this.#channels, channel, () => differencesOf(CHANNEL_SHAPES, channel, 'channel'));
    const fastPath = [...connection.fastPath, ...channelDifferences];
    return { fastPath: fastPath.length === 0, guard: connection.guard.length === 0, differences: [...new Set([...connection.guard, ...fastPath])] };
  }

  #version(): readonly string[] {
    this.#versionDifferences ??= versionDifferences(this.#installedVersion);
    return this.#versionDifferences;
  }

  #connection(connection: unknown): ConnectionFindings {
    return memoised(this.#connections, connection, () => ({
      guard: differencesOf(GUARD_CONNECTION_SHAPES, connection, 'connection'),
      fastPath: differencesOf(FAST_PATH_CONNECTION_SHAPES, connection, 'connection'),
    }));
  }
}

/** The process's judge: every connection the driver dials and every publish channel it opens ask this one. */
export const amqplibInternals = new AmqplibInternals();

/** Findings for `subject`, computed once per class; a subject without a prototype (undefined, null) is judged each time. */
function memoised<T>(cache: WeakMap<object, T>, subject: unknown, judge: () => T): T {
  const key = typeof subject === 'object' && subject !== null ? (Object.getPrototypeOf(subject) as object | null) : null;
  if (key === null) return judge();
  let found = cache.get(key);
  if (found === undefined) {
    found = judge();
    cache.set(key, found);
  }
  return found;
}

function versionDifferences(installedVersion: () => string | undefined): readonly string[] {
  let version: string | undefined;
  try {
    version = installedVersion();
  } catch {
    version = undefined;
  }
  if (version === undefined) return [`amqplib's version could not be read (proved against ${PROVED_AMQPLIB_VERSION})`];
  return version === PROVED_AMQPLIB_VERSION ? [] : [`amqplib ${version} is installed, proved against ${PROVED_AMQPLIB_VERSION}`];
}

/**
 * The version in the package.json of the amqplib this module imports. amqplib's `exports` does not list
 * `./package.json`, so the file is found from the resolved entry point, walking up to the package root.
 */
function readInstalledAmqplibVersion(): string | undefined {
  const require = createRequire(import.meta.url);
  for (let dir = dirname(require.resolve('amqplib')); ; dir = dirname(dir)) {
    try {
      const manifest = require(join(dir, 'package.json')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'amqplib') return typeof manifest.version === 'string' ? manifest.version : undefined;
    } catch {
      // no package.json at this level: look one up
    }
    if (dirname(dir) === dir) return undefined;
  }
}
