/*
 * Loads a project's job modules (jobs.bootstrap, jobs.modules) so doctor can check job-to-pipeline
 * bindings. Reports why when the modules cannot be loaded (usually: not built yet).
 */
import type { DoctorJobInfo } from '@warren/core';

export type JobInfosResult = { readonly ok: true; readonly jobs: DoctorJobInfo[] } | { readonly ok: false; readonly reason: string };

/** The registered jobs after loading the config's modules, or why they could not be loaded. */
export async function loadJobInfos(_file: string, _env: Record<string, string | undefined>): Promise<JobInfosResult> {
  return { ok: false, reason: 'the Warren runtime is not available yet' };
}
