/*
 * openSide: opens a BenchSide by name, importing only that side's client, so a child process that
 * measures the RSS of plain amqplib never loads Warren or BullMQ (and vice versa).
 */
import type { BenchSide, SideName, SideSettings } from './bench-side.js';

export async function openSide(name: SideName, settings: SideSettings): Promise<BenchSide> {
  switch (name) {
    case 'amqplib':
      return (await import('./amqplib-side.js')).openAmqplibSide(settings, 'bare');
    case 'amqplib-wire':
      return (await import('./amqplib-side.js')).openAmqplibSide(settings, 'warren');
    case 'acm':
      return (await import('./acm-side.js')).openAcmSide(settings);
    case 'warren':
      return (await import('./warren-side.js')).openWarrenSide(settings, 'amqp');
    case 'memory':
      return (await import('./warren-side.js')).openWarrenSide(settings, 'memory');
    case 'warren-otel':
      return (await import('./traced-side.js')).openTracedWarrenSide(settings, 'amqp');
    case 'memory-otel':
      return (await import('./traced-side.js')).openTracedWarrenSide(settings, 'memory');
    case 'bullmq':
      return (await import('./bullmq-side.js')).openBullmqSide(settings);
  }
}
