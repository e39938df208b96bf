/*
 * What a trace says about where a pipeline's messages go: the messaging system and the destination (queue). A driver
 * may describe its pipelines (Driver.messagingTarget); otherwise its name and the pipeline name stand in.
 */
import type { Driver } from '../driver/driver.js';

/** The `messaging.system` and `messaging.destination.name` of a pipeline's spans. */
export interface MessagingTarget {
  /** OpenTelemetry's `messaging.system`, e.g. `rabbitmq`. */
  readonly system: string;
  /** The queue the pipeline's messages go to. */
  readonly destination: string;
}

/** The target of `pipeline` on `driver`. */
export function messagingTargetOf(driver: Driver, pipeline: string): MessagingTarget {
  return driver.messagingTarget?.(pipeline) ?? { system: driver.name, destination: pipeline };
}
