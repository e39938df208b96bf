/*
 * Test certificates made with `openssl` at test time: a CA, a server certificate for 127.0.0.1 signed by it, a client
 * certificate signed by it with a passphrase-encrypted key, and a second, unrelated CA (the "wrong CA"). Files are
 * readable by the `rabbitmq` user, which the TLS node runs as. Nothing here is a secret outside the test.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  /** Encrypted with `passphrase`. */
  readonly clientKeyFile: string;
  readonly passphrase: string;
  /** A CA that signed nothing here. */
  readonly otherCaFile: string;
}

function openssl(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', [...args], { cwd, timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`openssl ${args.join(' ')} failed: ${stderr}`, { cause: error }));
      else resolve();
    });
  });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

/** Makes the certificates in a new temp dir; `passphrase` encrypts the client key. */
export async function makeTestCertificates(passphrase: string): Promise<TestCertificates> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'warren-tls-'));
  chmodSync(dir, 0o755);
  const sign = (csr: string, out: string, ext?: string) => openssl([
    'x509', '-req', '-in', csr, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', out, '-days', '2',
    ...(ext ? ['-extfile', ext] : []),
  ], dir);
  await openssl(['req', '-x509', ...EC_KEY, '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Warren Test CA'], dir);
  await openssl(['req', '-x509', ...EC_KEY, '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=Some Other CA'], dir);
  await openssl(['req', ...EC_KEY, '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await sign('server.csr', 'server.pem', 'server.ext');
  await openssl(['req', ...EC_KEY, '-keyout', 'client.key', '-passout', `pass:${passphrase}`, '-out', 'client.csr', '-subj', '/CN=warren-client'], dir);
  await sign('client.csr', 'client.pem');
  for (const file of ['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key', 'other-ca.pem']) chmodSync(path.join(dir, file), 0o644);
  const at = (file: string) => path.join(dir, file);
  return {
    dir, caFile: at('ca.pem'), serverCertFile: at('server.pem'), serverKeyFile: at('server.key'),
    clientCertFile: at('client.pem'), clientKeyFile: at('client.key'), passphrase, otherCaFile: at('other-ca.pem'),
  };
}
