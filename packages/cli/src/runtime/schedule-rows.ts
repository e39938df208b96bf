/*
 * Builds the schedule rows of `warren status` from the config's jobs.schedules and what each reachable pipeline's
 * driver reports (the holder's announcement lists the schedules it runs, including those declared with @Job, so
 * status needs no job modules). Next runs are computed here from the cron expression.
 */
import { CronClock, type Warren } from '@warren/core';
import type { ScheduleRow } from '../output/format-schedules.js';

export async function scheduleRows(warren: Warren, pipelines: readonly string[], nowMs = Date.now()): Promise<ScheduleRow[]> {
  const configured = Object.entries(warren.config.jobs.schedules ?? {});
  const rows = new Map<string, ScheduleRow>();
  for (const pipeline of pipelines) {
    const jobs = configured.filter(([, schedule]) => schedule.pipeline === pipeline || schedule.pipeline === undefined).map(([job]) => job);
    const inspection = await warren.inspectSchedules(pipeline, jobs);
    if (!inspection) continue;
    const announced = new Map((inspection.holder?.schedules ?? []).map((schedule) => [schedule.job, schedule]));
    for (const job of new Set([...jobs, ...announced.keys()])) {
      const fromConfig = warren.config.jobs.schedules?.[job];
      const isHere = announced.has(job) || fromConfig?.pipeline === pipeline;
      if (!isHere) continue;
      const spec = announced.get(job) ?? { cron: fromConfig!.cron, tz: fromConfig!.tz };
      rows.set(job, {
        job, pipeline, cron: spec.cron, tz: spec.tz, nextRunMs: new CronClock(spec.cron, spec.tz).nextAfter(nowMs), lastRunMs: inspection.lastTicks[job],
        holder: inspection.candidates === 0 ? undefined : inspection.holder?.holder, candidates: inspection.candidates,
      });
    }
  }
  for (const [job, schedule] of configured) {
    if (rows.has(job)) continue;
    rows.set(job, {
      job, pipeline: schedule.pipeline, cron: schedule.cron, tz: schedule.tz, nextRunMs: new CronClock(schedule.cron, schedule.tz).nextAfter(nowMs),
      lastRunMs: undefined, holder: undefined, candidates: undefined,
    });
  }
  return [...rows.values()];
}
