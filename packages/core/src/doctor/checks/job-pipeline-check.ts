/*
 * Jobs against pipelines: a job bound to a pipeline that does not exist is an error (it could never be
 * dispatched); a consumed pipeline with no job is a warning (its consumer would only dead-letter). Pure.
 */
import { formatPath } from '../../config/config-path.js';
import type { ConfigView } from '../config-view.js';
import type { Diagnostic } from '../diagnostic.js';
import type { DoctorJobInfo } from '../doctor-job-info.js';
import { closestMatch } from '../levenshtein.js';

/** Binding errors and idle-consumer warnings for the given jobs. */
export function jobPipelineCheck(view: ConfigView, jobs: readonly DoctorJobInfo[]): Diagnostic[] {
  const defined = view.pipelines.map((pipeline) => pipeline.name);
  const diagnostics: Diagnostic[] = [];
  for (const job of jobs) {
    if (defined.includes(job.pipeline)) continue;
    const typo = closestMatch(job.pipeline, defined);
    diagnostics.push({
      severity: 'error',
      code: 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND',
      path: 'jobs.pipelines',
      message: `job \`${job.name}\` (class ${job.className}) is bound to pipeline \`${job.pipeline}\`, which is not defined (defined pipelines: ${defined.join(', ') || '(none)'})`,
      hint: typo
        ? `did you mean \`${typo}\`? Fix the pipeline in @Job('${job.name}', { pipeline })`
        : `add a pipeline named \`${job.pipeline}\` under jobs.pipelines, or change the pipeline in @Job('${job.name}', { pipeline })`,
    });
  }
  const bound = new Set(jobs.map((job) => job.pipeline));
  for (const entry of view.consume) {
    if (!defined.includes(entry.name) || bound.has(entry.name)) continue;
    diagnostics.push({
      severity: 'warning',
      code: 'WARREN_WRN_001',
      path: formatPath(entry.index === undefined ? ['jobs', 'pipelines', entry.name] : ['jobs', 'consume', entry.index]),
      message: `pipeline \`${entry.name}\` is consumed but no job is bound to it`,
      hint: `bind a job with @Job(name, { pipeline: '${entry.name}' }), or stop consuming \`${entry.name}\``,
    });
  }
  return diagnostics;
}
