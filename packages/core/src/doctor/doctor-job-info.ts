/*
 * What the doctor needs to know about each registered job: enough to check pipeline bindings and to
 * give drivers the longest timeout per pipeline. The job registry produces these; doctor reads only.
 */

/** One job as the doctor sees it. */
export interface DoctorJobInfo {
  /** The job name (`emails.welcome`). */
  readonly name: string;
  /** The handler class name, for messages. */
  readonly className: string;
  /** The pipeline the job is bound to. */
  readonly pipeline: string;
  /** The job's timeout in ms, if it has one. */
  readonly timeoutMs: number | undefined;
}
