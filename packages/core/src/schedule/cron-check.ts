/*
 * Validation of cron expressions (croner parses them; no hand-written parser) and IANA time zones, as
 * sentences for doctor and @Job errors. Pure; returns a problem or undefined, never throws.
 */
import { Cron } from 'croner';

/** Why `cron` is not a usable expression, or undefined when it is. */
export function cronProblem(cron: unknown): string | undefined {
  if (typeof cron !== 'string' || cron.trim() === '') return 'the cron expression must be a non-empty text';
  try {
    // No callback: croner only parses and starts no timer.
    new Cron(cron);
    return undefined;
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    return `"${cron}" is not a valid cron expression (${detail})`;
  }
}

/** Why `tz` is not an IANA time zone this runtime knows, or undefined when it is. */
export function timezoneProblem(tz: unknown): string | undefined {
  if (typeof tz !== 'string' || tz.trim() === '') return 'the time zone must be a non-empty text like Europe/Berlin';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `"${tz}" is not a known IANA time zone`;
  }
}

/** The fix shown with a bad cron expression. */
export const CRON_HINT = "write 5 fields (minute hour day-of-month month day-of-week, e.g. '*/5 * * * *') or 6 with seconds first (e.g. '*/10 * * * * *')";
/** The fix shown with a bad time zone. */
export const TIMEZONE_HINT = 'use an IANA time zone name such as UTC, Europe/Berlin or America/New_York';
