/*
 * docs/grafana/warren-dashboard.json against what /metrics really serves: a Warren on RabbitMQ with the metrics and
 * health server `warren run` composes, after a job that succeeded and one that was retried and dead-lettered. Every
 * metric a panel queries must be in the scrape, and every label value a query pins (outcome="dead_lettered",
 * name="redialAlert", ...) must be on one of its series, so a renamed metric or label breaks this test, not the
 * dashboard of someone on call.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../packages/amqp/dist/index.js';
import { HealthServer, Job, JobRegistry, Warren, WarrenMetrics, createSilentLogger } from '../support/warren-packages.js';
import { TEST_AMQP_URL, deletePipelineQueues, uniqueQueueName } from '../support/pipeline-queues.js';

interface Target { readonly expr: string }
interface Panel { readonly id: number; readonly type: string; readonly title: string; readonly targets?: readonly Target[]; readonly gridPos: object }
interface Dashboard { readonly uid: string; readonly panels: readonly Panel[]; readonly templating: { readonly list: ReadonlyArray<{ name: string; query: unknown }> } }

const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana/warren-dashboard.json', import.meta.url), 'utf8')) as Dashboard;
const QUEUE = uniqueQueueName('warren-grafana');

@Job('grafana.ok', { pipeline: 'main' })
class OkJob {
  handle() {}
}

@Job('grafana.doomed', { pipeline: 'main', attempts: 2, backoff: { type: 'fixed', delay: '20ms', jitter: 0 } })
class DoomedJob {
  handle() {
    throw new Error('always fails');
  }
}

/** Series of the scrape: metric name → label sets. */
type Scrape = Map<string, Array<Record<string, string>>>;
let scrape: Scrape;

function parseScrape(text: string): Scrape {
  const series: Scrape = new Map();
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    series.set(sample[1]!, [...(series.get(sample[1]!) ?? []), labels]);
  }
  return series;
}

/** Every `warren_*` selector of a PromQL expression with its literal label matchers (template variables skipped). */
function selectors(expr: string): Array<{ metric: string; matchers: Array<{ label: string; op: string; value: string }> }> {
  return [...expr.matchAll(/\b(warren_[a-zA-Z0-9_]+)(?:\{([^}]*)\})?/g)].map((m) => ({
    metric: m[1]!,
    matchers: [...(m[2] ?? '').matchAll(/([a-zA-Z_]+)\s*(=~|!=|=)\s*"([^"]*)"/g)]
      .map((matcher) => ({ label: matcher[1]!, op: matcher[2]!, value: matcher[3]! }))
      .filter((matcher) => !matcher.value.includes('$')),
  }));
}

beforeAll(async () => {
  const registry = new JobRegistry();
  registry.add(OkJob);
  registry.add(DoomedJob);
  const warren = await Warren.fromConfig({
    version: 1,
    amqp: { urls: [TEST_AMQP_URL] },
    jobs: { consume: ['main'], pipelines: { main: { driver: 'amqp', concurrency: 2, options: { queue: QUEUE } } } },
    http: { enabled: false },
  }, { registry, loadModules: false, logger: createSilentLogger(), tracing: false });
  const metrics = new WarrenMetrics();
  metrics.attach(warren);
  const server = new HealthServer({ port: 0, host: '127.0.0.1', probe: () => warren.health(), metrics });
  try {
    const { port } = await server.start();
    const deadLettered = warren.events.once('job:deadLettered', { timeoutMs: 20_000 });
    const succeeded = warren.events.once('job:succeeded', { timeoutMs: 20_000 });
    await warren.run();
    await warren.dispatch(OkJob, {});
    await warren.dispatch(DoomedJob, {});
    await Promise.all([deadLettered, succeeded]);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    scrape = parseScrape(await response.text());
  } finally {
    metrics.detach();
    await server.close();
    await warren.close({ timeoutMs: 5_000 });
  }
});

afterAll(async () => {
  await deletePipelineQueues(QUEUE);
});

const queried = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

describe('docs/grafana/warren-dashboard.json', () => {
  it('is a dashboard with unique panel ids, a datasource variable and a query on every non-row panel', () => {
    expect(dashboard.uid).toBe('warren-jobs');
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'instance', 'pipeline']);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    expect(queried.length).toBeGreaterThan(15);
  });

  it.each(queried)('$panel: every metric and pinned label value is on /metrics ($expr)', ({ expr }) => {
    const found = selectors(expr);
    expect(found.length).toBeGreaterThan(0);
    for (const { metric, matchers } of found) {
      const series = scrape.get(metric);
      expect(series, `${metric} is not on /metrics`).toBeDefined();
      for (const { label, op, value } of matchers) {
        if (op === '!=') continue;
        for (const wanted of op === '=~' ? value.split('|') : [value]) {
          expect(series!.some((labels) => labels[label] === wanted), `no ${metric} series with ${label}="${wanted}"`).toBe(true);
        }
      }
    }
  });

  it('docs/deploy.md alert rules query only metrics and label values on /metrics', () => {
    const deploy = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    const rules = /```yaml\n(groups:[\s\S]*?)```/.exec(deploy)?.[1] ?? '';
    const found = selectors(rules);
    expect(found.map((selector) => selector.metric)).toEqual(expect.arrayContaining(['warren_driver_gauge', 'warren_ready', 'warren_jobs_total']));
    for (const { metric, matchers } of found) {
      expect(scrape.get(metric), `${metric} is not on /metrics`).toBeDefined();
      for (const { label, value } of matchers) {
        expect(scrape.get(metric)!.some((labels) => labels[label] === value), `no ${metric} series with ${label}="${value}"`).toBe(true);
      }
    }
  });

  it('takes its variables from metrics that exist', () => {
    for (const variable of dashboard.templating.list.filter((v) => typeof v.query === 'object')) {
      const [, metric, label] = /label_values\((\w+), (\w+)\)/.exec((variable.query as { query: string }).query) ?? [];
      expect(scrape.get(metric!)?.some((labels) => label === 'instance' || labels[label!] !== undefined), variable.name).toBe(true);
    }
  });
});
