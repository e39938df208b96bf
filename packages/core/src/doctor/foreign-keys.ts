/*
 * Keys that belong to other job systems' drivers (RoadRunner beanstalk, SQS, Kafka, NATS), so that a
 * key copied from one of them is named for what it is even when no such Warren driver is registered.
 * Data only; the unknown-key check decides how to word it.
 */

/** Well-known foreign keys → the driver (or system) they belong to. */
export const FOREIGN_KEYS: Readonly<Record<string, string>> = {
  reserve_timeout: 'beanstalk',
  tube: 'beanstalk',
  tube_priority: 'beanstalk',
  visibility_timeout: 'sqs',
  wait_time_seconds: 'sqs',
  brokers: 'kafka',
  subject: 'nats',
  stream: 'nats',
};

/** Driver names that may appear as a top-level section although their package is not installed. */
export const KNOWN_DRIVER_NAMES: readonly string[] = ['amqp', 'memory', 'beanstalk', 'sqs', 'kafka', 'nats', 'redis'];
