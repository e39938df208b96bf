/*
 * runDoctor: every config check in one list — load, schema and cross-key checks (via the loader),
 * job-to-pipeline bindings and each driver's own hook — sorted errors first. Never throws for bad
 * config and never connects anywhere.
 */
import { evaluateConfig } from '../config/config-loader.js';
import type { Env } from '../config/env-interpolation.js';
import { driverRegistry as defaultRegistry, type DriverRegistry } from '../driver/driver-registry.js';
import { driverHooksCheck } from './checks/driver-hooks-check.js';
import { jobPipelineCheck } from './checks/job-pipeline-check.js';
import { jobTimeoutCheck } from './checks/job-timeout-check.js';
import { scheduleJobCheck } from './checks/schedule-job-check.js';
import { configView } from './config-view.js';
import type { Diagnostic } from './diagnostic.js';
import type { DoctorJobInfo } from './doctor-job-info.js';
import { finalizeDiagnostics } from './finalize-diagnostics.js';

/** What `runDoctor` checks: a config source, plus the drivers and jobs it is checked against. */
export interface DoctorInput {
  /** A config file path or a config object. */
  readonly source: string | object;
  /** Drivers whose schemas and hooks apply; default the process-wide registry. */
  readonly registry?: DriverRegistry;
  /** The registered jobs; when given, bindings and idle consumers are checked. */
  readonly jobs?: readonly DoctorJobInfo[];
  /** Variables for `${VAR}`; default process.env. */
  readonly env?: Env;
}

/** All findings for a config, errors first. */
export async function runDoctor(input: DoctorInput): Promise<Diagnostic[]> {
  const registry = input.registry ?? defaultRegistry;
  const evaluation = await evaluateConfig(input.source, { registry, ...(input.env ? { env: input.env } : {}) });
  const { result, raw, parsed } = evaluation;
  if (raw === undefined) return result.diagnostics;
  const extra: Diagnostic[] = [];
  if (input.jobs) {
    const view = configView(raw, parsed);
    extra.push(...jobPipelineCheck(view, input.jobs), ...jobTimeoutCheck(view, input.jobs));
  }
  if (parsed) extra.push(...driverHooksCheck(parsed, registry, input.jobs ?? []));
  if (parsed && input.jobs) extra.push(...scheduleJobCheck(parsed, input.jobs));
  return finalizeDiagnostics([...result.diagnostics, ...extra], result.file, evaluation.lines);
}
