import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertConfig, isWarrenError, loadConfig, type Diagnostic } from '../../../src/index.js';
import { fakeRegistry } from './fake-drivers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warren-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

const registry = fakeRegistry();

describe('loadConfig', () => {
  it('reads a YAML file, interpolates env vars and records the file', async () => {
    const file = await writeConfig('ok.yaml', [
      'version: 1',
      'amqp:',
      '  urls: ["${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}"]',
      'jobs:',
      '  shutdown_timeout: ${SHUTDOWN:-10s}',
      '  pipelines:',
      '    emails: { driver: amqp, concurrency: 5, options: { prefetch: 5 } }',
      'http:',
      '  port: ${PORT}',
    ].join('\n'));
    const result = await loadConfig(file, { registry, env: { PORT: '9500', AMQP_URL: 'amqp://rabbit' } });
    expect(result.diagnostics).toEqual([]);
    expect(result.file).toBe(file);
    const config = assertConfig(result);
    expect(config.file).toBe(file);
    expect(config.http.port).toBe(9500);
    expect(config.jobs.shutdownTimeoutMs).toBe(10_000);
    expect(config.drivers.amqp).toEqual({ urls: ['amqp://rabbit'], heartbeat: 30_000 });
  });

  it('reports a missing file as WARREN_ERR_CONFIG_NOT_FOUND, and assertConfig throws that code', async () => {
    const result = await loadConfig(join(dir, 'nope.yaml'), { registry });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['WARREN_ERR_CONFIG_NOT_FOUND']);
    expect(() => assertConfig(result)).toThrow(expect.objectContaining({ code: 'WARREN_ERR_CONFIG_NOT_FOUND' }));
  });

  it('reports a YAML syntax error with its line number', async () => {
    const file = await writeConfig('bad.yaml', 'version: 1\njobs:\n  consume: [a\n  pipelines: {}\n');
    const result = await loadConfig(file, { registry });
    expect(result.config).toBeUndefined();
    expect(result.diagnostics[0]).toMatchObject({ code: 'WARREN_ERR_CONFIG_INVALID', file });
    expect(result.diagnostics[0]?.line).toBeGreaterThanOrEqual(3);
    expect(result.diagnostics[0]?.message).toMatch(/YAML syntax error at line \d+/);
  });

  it('gives each finding in a file the line of its key', async () => {
    const file = await writeConfig('lines.yaml', 'version: 1\njobs:\n  consume: [emails, widgets]\n  pipelines:\n    emails: {}\n');
    const result = await loadConfig(file, { registry });
    expect(result.diagnostics).toEqual([expect.objectContaining({ path: 'jobs.consume[1]', line: 3, file })]);
  });

  it('quotes odd pipeline names in paths and still finds their line', async () => {
    const file = await writeConfig('dotted.yaml', 'version: 1\njobs:\n  pipelines:\n    emails.high:\n      driver: amqp\n      concurrency: 4\n      options:\n        prefetch: 2\n');
    const result = await loadConfig(file, { registry });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'WARREN_ERR_CONFIG_MISMATCH', path: 'jobs.pipelines["emails.high"].options.prefetch', line: 8 }),
    ]);
  });

  it('reports a missing env var once, without a follow-up schema error on the same key', async () => {
    const result = await loadConfig({ version: 1, http: { port: '${PORT}' } }, { registry, env: {} });
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'WARREN_ERR_CONFIG_ENV_MISSING', path: 'http.port' })]);
  });
});

describe('assertConfig', () => {
  it('throws WARREN_ERR_CONFIG_INVALID listing `file: path: message (fix: hint)` per error, with the diagnostics in details', async () => {
    const file = await writeConfig('invalid.yaml', 'version: 1\njobs:\n  consume: [widgets]\n  shutdown_timeout: soon\n');
    const result = await loadConfig(file, { registry });
    let thrown: unknown;
    try {
      assertConfig(result);
    } catch (error) {
      thrown = error;
    }
    expect(isWarrenError(thrown, 'WARREN_ERR_CONFIG_INVALID')).toBe(true);
    const error = thrown as Error & { details: { diagnostics: Diagnostic[] } };
    expect(error.message).toContain(`${file}:3: jobs.consume[0]: consumes pipeline \`widgets\``);
    expect(error.message).toMatch(new RegExp(`${file}:4: jobs\\.shutdown_timeout: "soon" is not a duration \\(fix: .+\\)`));
    expect(error.details.diagnostics).toHaveLength(2);
  });

  it('returns the config when there are only warnings', async () => {
    const result = await loadConfig({ version: 1, jobs: { pipelines: { a: { driver: 'amqp', concurrency: 1, options: { prefetch: 10 } } } } }, { registry });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['WARREN_WRN_002']);
    expect(assertConfig(result).jobs.pipelines.a?.options).toMatchObject({ prefetch: 10 });
  });
});

describe('secrets', () => {
  const password = 's3cr3t-pa55';
  const url = `amqp://admin:${password}@rabbit.internal:5672/prod`;
  const cases: Array<[string, unknown, Record<string, string>]> = [
    ['a URL where a list is expected', { version: 1, amqp: { urls: url } }, {}],
    ['a URL as a duration', { version: 1, amqp: { heartbeat: url }, jobs: { pipelines: { a: { driver: 'amqp' } } } }, {}],
    ['a URL from the environment in a wrong place', { version: 1, http: { host: 5, port: '${URL}' } }, { URL: url }],
    ['a URL as an unknown driver', { version: 1, jobs: { pipelines: { a: { driver: url } } } }, {}],
    ['a URL as a consumed pipeline', { version: 1, jobs: { consume: [url] } }, {}],
    ['a URL default of a missing var', { version: 1, amqp: { urls: [`\${NOPE}`, `\${NOPE2:-${url}}`], nope: url } }, {}],
  ];
  it.each(cases)('never shows the password for %s', async (_title, source, env) => {
    const result = await loadConfig(source as object, { registry, env });
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(JSON.stringify(result.diagnostics)).not.toContain(password);
    expect(() => assertConfig(result)).toThrow();
    try {
      assertConfig(result);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(password);
      expect(JSON.stringify((error as { details: unknown }).details)).not.toContain(password);
    }
  });

  it('never shows the password in a YAML syntax error excerpt', async () => {
    const file = await writeConfig('secret.yaml', `version: 1\namqp:\n  urls: ["${url}"\n  heartbeat: 1s\n`);
    const result = await loadConfig(file, { registry });
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(JSON.stringify(result.diagnostics)).not.toContain(password);
  });
});
