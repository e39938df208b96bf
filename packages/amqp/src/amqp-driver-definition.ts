/*
 * amqpDriverDefinition: how the amqp driver plugs into core — its `amqp:` section schema, pipeline
 * options schema, doctor hook and factory. Registered into core's driverRegistry by index.ts.
 */
import type { DriverDefinition } from '@warren/core';
import { amqpPipelineOptionsSchema, amqpSectionSchema, type AmqpPipelineOptions, type AmqpSection } from './amqp-options.js';
import { amqpDoctor } from './amqp-doctor.js';
import { AMQP_DRIVER_NAME, AmqpDriver } from './amqp-driver.js';

/** The RabbitMQ driver: `driver: amqp` in a pipeline, `amqp:` at the top of warren.yaml. */
export const amqpDriverDefinition: DriverDefinition<AmqpPipelineOptions, AmqpSection> = {
  name: AMQP_DRIVER_NAME,
  optionsSchema: amqpPipelineOptionsSchema,
  sectionSchema: amqpSectionSchema,
  doctor: amqpDoctor,
  create: (context) => new AmqpDriver(context),
};
