import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeTlsFailure, isTlsFailure, tlsSocketOptions } from '../../../src/connection/tls-options.js';
import { dialBroker } from '../../../src/connection/broker-dialer.js';

const here = fileURLToPath(import.meta.url);
const settings = { caFiles: undefined, certFile: undefined, keyFile: undefined, passphrase: undefined, servername: undefined, rejectUnauthorized: true };

describe('tlsSocketOptions', () => {
  it('reads the files into the options tls.connect takes', () => {
    const options = tlsSocketOptions({ ...settings, caFiles: [here], certFile: here, keyFile: here, passphrase: 's3cret', servername: 'rabbit.internal' });
    expect(options.ca?.[0]?.toString()).toContain('tlsSocketOptions');
    expect(options).toMatchObject({ passphrase: 's3cret', servername: 'rabbit.internal', rejectUnauthorized: true });
  });

  it('throws WARREN_ERR_AMQP_CONN_TLS naming the key and file when a file cannot be read', () => {
    expect(() => tlsSocketOptions({ ...settings, keyFile: '/no/such/key.pem', passphrase: 'hidden-pass' })).toThrow(
      expect.objectContaining({ code: 'WARREN_ERR_AMQP_CONN_TLS', message: expect.stringMatching(/amqp\.tls\.key file "\/no\/such\/key\.pem" \(ENOENT\)/) }),
    );
  });
});

describe('isTlsFailure / describeTlsFailure', () => {
  it.each([
    ['SELF_SIGNED_CERT_IN_CHAIN', /not signed by a CA Warren trusts.*amqp\.tls\.ca/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /amqp\.tls\.ca/],
    ['CERT_HAS_EXPIRED', /not valid now/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /amqp\.tls\.servername/],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', /client certificate.*amqp\.tls\.cert and amqp\.tls\.key/],
    ['ERR_OSSL_BAD_DECRYPT', /amqp\.tls\.passphrase/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', /does not speak TLS/],
  ])('%s is a TLS failure, explained', (code, explained) => {
    expect(isTlsFailure(Object.assign(new Error('x'), { code }))).toBe(true);
    expect(describeTlsFailure({ code })).toMatch(explained);
  });

  it('does not take a refused or reset connection for a TLS failure', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', undefined]) expect(isTlsFailure(Object.assign(new Error('x'), { code }))).toBe(false);
  });
});

describe('dialBroker with amqp.tls', () => {
  it('rejects an amqps:// dial with WARREN_ERR_AMQP_CONN_TLS when a file cannot be read, before any socket', async () => {
    await expect(dialBroker('amqps://u:p@127.0.0.1:1', { heartbeatMs: 0, connectTimeoutMs: 100, connectionName: 't', tls: { ...settings, caFiles: ['/no/ca.pem'] } }))
      .rejects.toMatchObject({ code: 'WARREN_ERR_AMQP_CONN_TLS' });
  });

  it('ignores amqp.tls for an amqp:// URL (plain TCP)', async () => {
    await expect(dialBroker('amqp://u:p@127.0.0.1:1', { heartbeatMs: 0, connectTimeoutMs: 500, connectionName: 't', tls: { ...settings, caFiles: ['/no/ca.pem'] } }))
      .rejects.toMatchObject({ code: 'WARREN_ERR_AMQP_CONN_UNAVAILABLE' });
  });
});
