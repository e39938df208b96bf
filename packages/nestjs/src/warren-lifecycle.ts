/*
 * WarrenLifecycle: ties Warren to Nest's lifecycle. Consumes once the app has bootstrapped (after
 * checking that every consumed job class is a Nest provider); on app.close() — which
 * enableShutdownHooks() calls on SIGTERM/SIGINT — stops consuming and drains in-flight jobs in
 * onModuleDestroy, then closes (flushing the outbox) in onApplicationShutdown.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Warren } from '@warren/core';
import { NestJobResolver } from './nest-job-resolver.js';
import { WARREN, WARREN_MODULE_OPTIONS, consumedPipelines, type WarrenModuleOptions } from './warren-module-options.js';

@Injectable()
export class WarrenLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(WARREN) private readonly warren: Warren,
    @Inject(WARREN_MODULE_OPTIONS) private readonly options: WarrenModuleOptions,
    private readonly resolver: NestJobResolver,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const pipelines = consumedPipelines(this.options, this.warren.config.jobs.consume);
    if (pipelines.length === 0) return;
    // A job class that is not a provider would fail every attempt; refuse to start instead.
    this.resolver.assertProviders(pipelines.flatMap((pipeline) => this.warren.registry.forPipeline(pipeline).map((job) => job.jobClass)));
    await this.warren.run({ pipelines });
  }

  /**
   * Every onModuleDestroy runs before any onApplicationShutdown, where database and client modules
   * usually close their connections: draining here lets in-flight jobs finish with them still open.
   */
  async onModuleDestroy(): Promise<void> {
    await this.warren.stop();
  }

  /** Last: flushes what is buffered and disconnects. Providers could still dispatch until now. */
  async onApplicationShutdown(): Promise<void> {
    await this.warren.close();
  }
}
