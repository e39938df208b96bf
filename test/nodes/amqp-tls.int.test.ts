/*
 * TLS against a RabbitMQ node of the test's own (rabbit-node.ts; the default broker is untouched) with an amqps
 * listener that requires a client certificate (ssl_options.verify = verify_peer, fail_if_no_peer_cert = true), and
 * certificates made with openssl at test time (tls-certificates.ts). Jobs flow over amqps:// with amqp.tls; a missing
 * client certificate, a wrong CA and a wrong key passphrase each fail with WARREN_ERR_AMQP_CONN_TLS naming the problem;
 * `warren doctor --connect` exits 1 on them and 0 on the right config; the passphrase appears in no output.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../../packages/amqp/dist/index.js';
import { stopLeftoverTestNodes, TEST_NODE_PREFIX } from '../support/rabbit-cluster.js';
import { RabbitNode } from '../support/rabbit-node.js';
import { makeTestCertificates, type TestCertificates } from '../support/tls-certificates.js';
import { LogCapture } from '../support/log-capture.js';
import { Job, JobRegistry, Warren, type JobContext } from '../support/warren-packages.js';
import { makeProject, runWarren } from '../integration/cli-harness.js';

/** AMQP (plain, unused) and amqps ports of the TLS node; its distribution port is 20000 above the first. */
const TLS_NODE_PORT = Number(process.env.WARREN_TEST_TLS_NODE_PORT ?? 5775);
const AMQPS_PORT = TLS_NODE_PORT + 1;
const PASSPHRASE = `pass-${randomUUID()}`;

const handled: string[] = [];

@Job('tls.work', { pipeline: 'secure', attempts: 3 })
class TlsWork {
  async handle(payload: { n: number }, ctx: JobContext): Promise<void> {
    handled.push(`${ctx.id}:${payload.n}`);
  }
}

let node: RabbitNode;
let certs: TestCertificates;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

beforeAll(async () => {
  await stopLeftoverTestNodes('tls');
  certs = await makeTestCertificates(PASSPHRASE);
  const startedAt = Date.now();
  node = await RabbitNode.start({
    name: `${TEST_NODE_PREFIX}tls-${randomUUID().slice(0, 6)}`, amqpPort: TLS_NODE_PORT, distPort: TLS_NODE_PORT + 20_000,
    config: [
      `listeners.ssl.default = 127.0.0.1:${AMQPS_PORT}`,
      `ssl_options.cacertfile = ${certs.caFile}`,
      `ssl_options.certfile = ${certs.serverCertFile}`,
      `ssl_options.keyfile = ${certs.serverKeyFile}`,
      'ssl_options.verify = verify_peer',
      'ssl_options.fail_if_no_peer_cert = true',
    ],
  });
  console.info(`[tls] node with an amqps listener on ${AMQPS_PORT} up in ${Date.now() - startedAt} ms`);
}, 180_000);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await node?.destroy();
}, 60_000);

const AMQPS_URL = `amqps://guest:guest@127.0.0.1:${AMQPS_PORT}`;

function tlsSection(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ca: certs.caFile, cert: certs.clientCertFile, key: certs.clientKeyFile, passphrase: PASSPHRASE, ...overrides };
}

async function startWorker(tls: Record<string, unknown>, logs: LogCapture, isFailureExpected = false): Promise<Warren> {
  const registry = new JobRegistry();
  registry.add(TlsWork);
  const prefix = `tls-${randomUUID().slice(0, 8)}`;
  const warren = await Warren.fromConfig(
    {
      version: 1,
      amqp: { urls: [AMQPS_URL], tls, connect_timeout: '3s', redial: { schedule: ['100ms'], jitter: 0, timeout: '3s' }, connection_name: prefix },
      jobs: { shutdown_timeout: '2s', pipelines: { secure: { driver: 'amqp', concurrency: 5, options: { queue: prefix } } } },
      http: { enabled: false },
    },
    { registry, logger: logs.logger },
  );
  // After a failed start, close() rejects with the start's error again: the test asserted that one already.
  cleanups.push(() => (isFailureExpected ? warren.close({ timeoutMs: 5_000 }).catch(() => undefined) : warren.close({ timeoutMs: 5_000 })));
  return warren;
}

/** The coded error Warren.fromConfig (which connects its drivers) or run() fails with. */
async function startFailure(tls: Record<string, unknown>): Promise<{ code: string | undefined; message: string; logs: string }> {
  const logs = new LogCapture('debug');
  const error = await startWorker(tls, logs, true).then((warren) => warren.run()).then(() => undefined, (e: unknown) => e as { code?: string; message: string });
  expect(error, 'the worker must fail to start').toBeDefined();
  return { code: error!.code, message: error!.message, logs: logs.lines.join('\n') };
}

describe('amqps:// with amqp.tls', () => {
  it('runs jobs over TLS with a client certificate whose key has a passphrase', async () => {
    const logs = new LogCapture('debug');
    const warren = await startWorker(tlsSection(), logs);
    await warren.run();
    const ids = await Promise.all([1, 2, 3].map((n) => warren.dispatch(TlsWork, { n })));
    const deadline = Date.now() + 10_000;
    while (ids.some((id) => !handled.some((h) => h.startsWith(`${id}:`))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(ids.filter((id) => !handled.some((h) => h.startsWith(`${id}:`))), 'jobs not handled over amqps').toEqual([]);
    const connections = await node.ctl(['list_connections', 'ssl', 'ssl_protocol', 'peer_cert_subject']);
    expect(connections).toMatch(/true\ttlsv1\.[23]\tCN=warren-client/);
    expect(logs.lines.join('\n')).not.toContain(PASSPHRASE);
  });

  it('fails with WARREN_ERR_AMQP_CONN_TLS when the broker requires a client certificate and none is given', async () => {
    const failure = await startFailure({ ca: certs.caFile });
    expect(failure.code).toBe('WARREN_ERR_AMQP_CONN_TLS');
    expect(failure.message).toMatch(/client certificate/);
  });

  it('fails with WARREN_ERR_AMQP_CONN_TLS naming the CA when amqp.tls.ca is the wrong CA', async () => {
    const failure = await startFailure(tlsSection({ ca: certs.otherCaFile }));
    expect(failure.code).toBe('WARREN_ERR_AMQP_CONN_TLS');
    expect(failure.message).toMatch(/not signed by a CA Warren trusts.*amqp\.tls\.ca/);
    expect(failure.message + failure.logs).not.toContain(PASSPHRASE);
  });

  it('fails with WARREN_ERR_AMQP_CONN_TLS on a wrong key passphrase, without printing either passphrase', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const failure = await startFailure(tlsSection({ passphrase: wrong }));
    expect(failure.code).toBe('WARREN_ERR_AMQP_CONN_TLS');
    expect(failure.message).toMatch(/amqp\.tls\.passphrase/);
    expect(failure.message + failure.logs).not.toContain(wrong);
    expect(failure.message + failure.logs).not.toContain(PASSPHRASE);
  });

  it('warren doctor --connect: exit 0 with the right files, exit 1 naming the TLS problem with a wrong CA; no passphrase shown', async () => {
    const yaml = (ca: string) => `version: 1
amqp:
  urls: ["${AMQPS_URL}"]
  tls:
    ca: ${ca}
    cert: ${certs.clientCertFile}
    key: ${certs.clientKeyFile}
    passphrase: \${WARREN_TLS_PASSPHRASE}
jobs:
  pipelines:
    secure:
      driver: amqp
      concurrency: 2
      options: { queue: tls-doctor-${randomUUID().slice(0, 8)} }
`;
    const env = { WARREN_TLS_PASSPHRASE: PASSPHRASE };
    const good = makeProject({ 'warren.yaml': yaml(certs.caFile) });
    cleanups.push(good.cleanup);
    const ok = await runWarren(['doctor', '--connect', '--connect-timeout', '5s'], good.dir, 30_000, env);
    expect(ok.code, `${ok.stdout}\n${ok.stderr}`).toBe(0);

    const bad = makeProject({ 'warren.yaml': yaml(certs.otherCaFile) });
    cleanups.push(bad.cleanup);
    const refused = await runWarren(['doctor', '--connect', '--connect-timeout', '5s'], bad.dir, 30_000, env);
    const output = `${refused.stdout}\n${refused.stderr}`;
    expect(refused.code, output).toBe(1);
    expect(output).toContain('WARREN_ERR_AMQP_CONN_TLS');
    expect(output).toMatch(/amqp\.tls\.ca/);
    expect(output).not.toContain(PASSPHRASE);
    expect(ok.stdout + ok.stderr).not.toContain(PASSPHRASE);
  });

  it('warren doctor (no --connect) exits 2 when an amqp.tls file does not exist, naming the key path', async () => {
    const project = makeProject({ 'warren.yaml': `version: 1
amqp:
  urls: ["${AMQPS_URL}"]
  tls: { ca: ./missing-ca.pem }
jobs:
  pipelines:
    secure: { driver: amqp, concurrency: 1 }
` });
    cleanups.push(project.cleanup);
    const result = await runWarren(['doctor'], project.dir);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/amqp\.tls\.ca[\s\S]*missing-ca\.pem/);
  });
});
