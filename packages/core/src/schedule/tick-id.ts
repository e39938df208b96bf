/*
 * The job id of a schedule tick: `<job>@<tick as ISO 8601>`, e.g. `reports.daily@2026-12-02T06:00:00.000Z`. The same
 * tick always gets the same id, in every process, so a handler that must act once per tick can key on ctx.id.
 */

/** The job id of `job`'s tick at `tickMs`. */
export function tickJobId(job: string, tickMs: number): string {
  return `${job}@${new Date(tickMs).toISOString()}`;
}
