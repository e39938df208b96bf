/*
 * What Warren.fromConfig does before an instance exists: make sure the named drivers are loaded,
 * load and check the config, import the project's job modules, then re-check with the jobs known
 * (a job bound to a missing pipeline) and that every job class carries decorator metadata. Any error
 * stops here, before anything connects.
 */
import { dirname } from 'node:path';
import { assertConfig, loadConfig } from '../config/config-loader.js';
import { readConfigSource } from '../config/config-source.js';
import type { WarrenConfig } from '../config/config-types.js';
import type { Diagnostic } from '../doctor/diagnostic.js';
import { hasErrors } from '../doctor/format-diagnostic.js';
import { assertDecoratorMetadata } from '../di/decorator-metadata-check.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { driverRegistry as defaultDrivers, type DriverRegistry } from '../driver/driver-registry.js';
import { jobRegistry as defaultJobs, type JobRegistry } from '../job/job-registry.js';
import { autoloadDrivers, referencedDriverNames } from './driver-autoload.js';
import { loadJobModules } from './module-loader.js';
import type { WarrenOptions } from './warren-options.js';

/** What prepareWarren returns: the checked config, the registries it used and what it imported. */
export interface PreparedWarren {
  readonly config: WarrenConfig;
  readonly drivers: DriverRegistry;
  readonly registry: JobRegistry;
  readonly loadedModules: string[];
  /** Warnings of the final check (errors have already thrown). */
  readonly warnings: Diagnostic[];
}

/** The options prepareWarren reads (the rest of WarrenOptions concerns the instance it does not create). */
export type PrepareWarrenOptions = Pick<WarrenOptions, 'registry' | 'drivers' | 'env' | 'loadModules'>;

/**
 * Everything Warren.fromConfig does before it creates drivers: loads and checks the config, imports jobs.bootstrap
 * and jobs.modules (unless `loadModules: false`) and re-checks with the jobs known. Creates no driver and connects
 * nothing itself (the project's own bootstrap and job modules are imported, and run whatever they do at import), so
 * tools such as `warren doctor` can learn a project's jobs without touching the broker.
 */
export async function prepareWarren(source: string | object, options: PrepareWarrenOptions = {}): Promise<PreparedWarren> {
  const drivers = options.drivers ?? defaultDrivers;
  const registry = options.registry ?? defaultJobs;
  const env = options.env ? { env: options.env } : {};

  const read = await readConfigSource(source);
  const baseDir = read.file ? dirname(read.file) : process.cwd();
  await autoloadDrivers(referencedDriverNames(read.raw), drivers, baseDir);

  const config = assertConfig(await loadConfig(source, { registry: drivers, ...env }));
  const loadedModules =
    options.loadModules === false ? [] : await loadJobModules({ bootstrap: config.jobs.bootstrap, modules: config.jobs.modules, baseDir });

  // Jobs are known only now; a job bound to a pipeline that does not exist is a config error too.
  // With no modules loaded and no job registered (e.g. `warren status`), there is nothing to check them against.
  const isJobAware = options.loadModules !== false || registry.size > 0;
  const diagnostics = await runDoctor({ source, registry: drivers, ...(isJobAware ? { jobs: registry.list() } : {}), ...env });
  if (hasErrors(diagnostics)) assertConfig({ diagnostics, ...(read.file ? { file: read.file } : {}) });
  // tsc exits 0 without the decorator flags; refuse here rather than fail every job at run time.
  assertDecoratorMetadata(registry.definitions());
  return { config, drivers, registry, loadedModules, warnings: diagnostics.filter((d) => d.severity === 'warning') };
}
