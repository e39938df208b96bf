/*
 * Loads a project's job modules (jobs.bootstrap, jobs.modules) so doctor can check job-to-pipeline
 * bindings, without creating or starting a driver (doctor without --connect never touches the broker).
 * Reports why when the modules cannot be loaded (usually: not built yet).
 */
import { isWarrenError, jobRegistry, prepareWarren, type DoctorJobInfo } from '@warren/core';

export type JobInfosResult = { readonly ok: true; readonly jobs: DoctorJobInfo[] } | { readonly ok: false; readonly reason: string };

/** The registered jobs after loading the config's modules, or why they could not be loaded. */
export async function loadJobInfos(file: string, env: Record<string, string | undefined>): Promise<JobInfosResult> {
  try {
    await prepareWarren(file, { env });
  } catch (error) {
    // Modules that could not be imported leave the registry incomplete; any other failure (such as a
    // job bound to a missing pipeline) comes after the imports, and doctor reports it from the list.
    if (!isWarrenError(error) || error.code === 'WARREN_ERR_CONFIG_NOT_FOUND' || jobRegistry.size === 0) {
      return { ok: false, reason: isWarrenError(error) ? `${error.message.split('\n')[0]} (${error.code})` : String(error) };
    }
  }
  return { ok: true, jobs: jobRegistry.list() };
}
