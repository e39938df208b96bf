/*
 * Jobs without a timeout on consumed pipelines: a handler that never settles holds one of its pipeline's worker slots
 * for good, and on RabbitMQ meets consumer_timeout (the broker closes the channel and redelivers the job, which hangs
 * again). One warning per such job (WARREN_WRN_006); `warren run` also logs a job running that long as stuck. Pure.
 */
import { formatPath } from '../../config/config-path.js';
import type { ConfigView } from '../config-view.js';
import type { Diagnostic } from '../diagnostic.js';
import type { DoctorJobInfo } from '../doctor-job-info.js';

/** A warning for each job without a timeout whose pipeline this config consumes. */
export function jobTimeoutCheck(view: ConfigView, jobs: readonly DoctorJobInfo[]): Diagnostic[] {
  const consumed = new Set(view.consume.map((entry) => entry.name));
  const diagnostics: Diagnostic[] = [];
  for (const job of jobs) {
    if (job.timeoutMs !== undefined || !consumed.has(job.pipeline)) continue;
    const pipeline = view.pipelines.find((candidate) => candidate.name === job.pipeline);
    if (!pipeline) continue; // bound to a pipeline that does not exist: jobPipelineCheck reports that
    const slots = pipeline.concurrency === undefined ? 'worker slots' : `${pipeline.concurrency} worker slot${pipeline.concurrency === 1 ? '' : 's'}`;
    diagnostics.push({
      severity: 'warning',
      code: 'WARREN_WRN_006',
      path: formatPath(['jobs', 'pipelines', job.pipeline]),
      message: `job \`${job.name}\` (class ${job.className}) has no timeout: a handler that never settles holds one of pipeline \`${job.pipeline}\`'s ${slots} for good, and on RabbitMQ meets consumer_timeout (30m by default), which redelivers it to hang again`,
      hint: `give it a timeout below consumer_timeout, e.g. @Job('${job.name}', { timeout: '5m' }), and let the handler honour ctx.signal; warren run logs a job that runs past half of consumer_timeout as stuck`,
    });
  }
  return diagnostics;
}
