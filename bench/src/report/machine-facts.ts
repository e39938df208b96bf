/*
 * machineFacts: what the numbers depend on: CPU count and model, memory, Node, RabbitMQ and
 * Redis versions, and how busy the machine was (other vitest processes, load average).
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { rabbitmqVersion } from '../support/broker-control.js';

const run = promisify(execFile);

export interface MachineFacts {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly rabbitmq: string;
  readonly redis: string;
  readonly loadAverage: number[];
  readonly otherVitestProcesses: number;
}

async function redisVersion(): Promise<string> {
  const info = await run('redis-cli', ['info', 'server'], { timeout: 10_000 }).then((r) => r.stdout, () => '');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

async function countVitest(): Promise<number> {
  const ps = await run('ps', ['-eo', 'args'], { timeout: 10_000 }).then((r) => r.stdout, () => '');
  return ps.split('\n').filter((line) => line.includes('vitest')).length;
}

export async function machineFacts(): Promise<MachineFacts> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3 * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    rabbitmq: await rabbitmqVersion(),
    redis: await redisVersion(),
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
    otherVitestProcesses: await countVitest(),
  };
}
