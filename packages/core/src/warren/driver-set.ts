/*
 * DriverSet: one driver instance per driver name in the config, each given the pipelines that name
 * it, plus the pipeline → driver lookup that dispatch and the workers use. Starts and closes them
 * together. Does not decide what to consume (that is Warren's job).
 */
import type { Logger } from 'pino';
import type { WarrenConfig } from '../config/config-types.js';
import type { Driver } from '../driver/driver.js';
import type { DriverRegistry } from '../driver/driver-registry.js';
import { WarrenError } from '../errors/warren-error.js';

export class DriverSet {
  readonly #byPipeline = new Map<string, Driver>();
  readonly #drivers: Driver[] = [];

  constructor(config: WarrenConfig, registry: DriverRegistry, logger: Logger) {
    const pipelinesByDriver = new Map<string, string[]>();
    for (const [pipeline, pipelineConfig] of Object.entries(config.jobs.pipelines)) {
      const list = pipelinesByDriver.get(pipelineConfig.driver) ?? [];
      list.push(pipeline);
      pipelinesByDriver.set(pipelineConfig.driver, list);
    }
    for (const [driverName, pipelineNames] of pipelinesByDriver) {
      const definition = registry.get(driverName);
      const driver = definition.create({
        pipelines: pipelineNames.map((name) => {
          const pipelineConfig = config.jobs.pipelines[name]!;
          return { name, concurrency: pipelineConfig.concurrency, options: pipelineConfig.options };
        }),
        section: config.drivers[driverName],
        logger, // each driver names itself in its logs
        file: config.file,
      });
      this.#drivers.push(driver);
      for (const name of pipelineNames) this.#byPipeline.set(name, driver);
    }
  }

  /** The driver carrying `pipeline`; throws WARREN_ERR_DRIVER_NOT_FOUND_PIPELINE for an unknown one. */
  forPipeline(pipeline: string): Driver {
    const driver = this.#byPipeline.get(pipeline);
    if (!driver) {
      throw new WarrenError('WARREN_ERR_DRIVER_NOT_FOUND_PIPELINE', `no pipeline named "${pipeline}" is configured (defined: ${this.pipelines().join(', ')})`, {
        hint: `Define jobs.pipelines.${pipeline} in the config, or bind the job to one of: ${this.pipelines().join(', ')}.`,
      });
    }
    return driver;
  }

  pipelines(): string[] {
    return [...this.#byPipeline.keys()];
  }

  all(): readonly Driver[] {
    return this.#drivers;
  }

  async startAll(): Promise<void> {
    await Promise.all(this.#drivers.map((driver) => driver.start()));
  }

  /** Closes every driver, even when some fail; failures are thrown together. */
  async closeAll(timeoutMs: number): Promise<void> {
    const results = await Promise.allSettled(this.#drivers.map((driver) => driver.close({ timeoutMs })));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (failures.length > 0) throw new AggregateError(failures, `closing ${failures.length} driver(s) failed`);
  }
}
