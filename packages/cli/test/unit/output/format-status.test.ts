import { describe, expect, it } from 'vitest';
import { formatBreakers, formatConnections, formatStatus, formatStatusJson, type StatusRow } from '../../../src/output/format-status.js';

const rows: StatusRow[] = [
  { pipeline: 'emails', driver: 'amqp', ready: 12, unacked: 3, consumers: 2, delayed: 1, deadLettered: 0 },
  { pipeline: 'reports', driver: 'memory', ready: 0, unacked: undefined, consumers: undefined, delayed: 0, deadLettered: 4 },
];

describe('formatStatus', () => {
  it('prints one aligned row per pipeline with "-" for unknown counts', () => {
    expect(formatStatus(rows)).toEqual([
      'PIPELINE  DRIVER  READY  UNACKED  CONSUMERS  DELAYED  DEAD-LETTERED',
      'emails    amqp    12     3        2          1        0',
      'reports   memory  0      -        -          0        4',
    ]);
  });

  it('says so when there are no pipelines', () => {
    expect(formatStatus([])).toEqual(['no pipelines are defined in jobs.pipelines']);
  });

  it('prints JSON with null for unknown counts', () => {
    expect(JSON.parse(formatStatusJson(rows))).toEqual({
      pipelines: [
        { pipeline: 'emails', driver: 'amqp', ready: 12, unacked: 3, consumers: 2, delayed: 1, deadLettered: 0 },
        { pipeline: 'reports', driver: 'memory', ready: 0, unacked: null, consumers: null, delayed: 0, deadLettered: 4 },
      ],
      connections: {},
    });
  });

  it('names each connection a driver keeps, in the table footer and the JSON', () => {
    const drivers = [
      { driver: 'amqp', state: 'blocked' as const, gauges: {}, connections: { publish: 'blocked' as const, consume: 'ready' as const } },
      { driver: 'memory', state: 'ready' as const, gauges: {} },
    ];
    expect(formatConnections(drivers)).toEqual(['amqp connections: publish blocked, consume ready']);
    expect(JSON.parse(formatStatusJson(rows, drivers)).connections).toEqual({ amqp: { publish: 'blocked', consume: 'ready' } });
  });

  it('names the breakers a running worker reports, in a footer line and the JSON', () => {
    const breakers = { emails: { pipeline: 'open', 'job:emails.welcome': 'closed' } };
    expect(formatBreakers(breakers, 'http://127.0.0.1:9400')).toEqual(['breakers of emails (worker http://127.0.0.1:9400): pipeline open, job:emails.welcome closed']);
    expect(formatBreakers(undefined, 'http://127.0.0.1:9400')).toEqual([]);
    expect(JSON.parse(formatStatusJson(rows, [], { breakers })).breakers).toEqual(breakers);
  });
});
