/*
 * Loads a project's job modules (jobs.bootstrap, jobs.modules) so doctor can check job-to-pipeline
 * bindings, without creating or starting a driver (doctor without --connect never touches the broker).
 * Reports why when the modules cannot be loaded (usually: not built yet).
 */
import { isWarrenError, jobRegistry, prepareWarren, type Diagnostic, type DoctorJobInfo } from '@warren/core';

export type JobInfosResult =
  | { readonly ok: true; readonly jobs: DoctorJobInfo[] }
  | { readonly ok: false; readonly reason: string; readonly diagnostic?: Diagnostic };

/** The registered jobs after loading the config's modules, or why they could not be loaded. */
export async function loadJobInfos(file: string, env: Record<string, string | undefined>): Promise<JobInfosResult> {
  try {
    await prepareWarren(file, { env });
  } catch (error) {
    // An invalid @Job (a bad schedule or rateLimit, say) is a config error of the project, not a reason to skip checks.
    if (isWarrenError(error, 'WARREN_ERR_JOB_INVALID') && (error.details as { className?: unknown } | undefined)?.className !== undefined) {
      const job = String((error.details as { job?: unknown }).job);
      return {
        ok: false, reason: error.message,
        diagnostic: { severity: 'error', code: error.code, path: `@Job('${job}')`, message: error.message, hint: 'fix the options of that @Job declaration (see the README: Writing jobs, Schedules, Rate limits)' },
      };
    }
    // Modules that could not be imported leave the registry incomplete; any other failure (such as a
    // job bound to a missing pipeline) comes after the imports, and doctor reports it from the list.
    if (!isWarrenError(error) || error.code === 'WARREN_ERR_CONFIG_NOT_FOUND' || jobRegistry.size === 0) {
      return { ok: false, reason: isWarrenError(error) ? `${error.message.split('\n')[0]} (${error.code})` : String(error) };
    }
  }
  return { ok: true, jobs: jobRegistry.list() };
}
