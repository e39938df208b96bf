/*
 * TLS for amqps:// URLs: the parsed `amqp.tls` section turned into what Node's tls.connect takes (amqplib passes its
 * socket options through), and the test that tells a TLS failure (untrusted certificate, client certificate required,
 * wrong key passphrase) from an unreachable broker. Files are read at each dial, so a renewed certificate is used by
 * the next redial without a restart. Never puts the passphrase in an error.
 */
import { readFileSync } from 'node:fs';
import { amqpError } from '../errors.js';

/** The parsed `amqp.tls` section (file paths, not contents). */
export interface AmqpTlsSettings {
  readonly caFiles: readonly string[] | undefined;
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  readonly passphrase: string | undefined;
  readonly servername: string | undefined;
  readonly rejectUnauthorized: boolean;
}

/** The subset of tls.ConnectionOptions Warren sets. */
export interface TlsSocketOptions {
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
  passphrase?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    throw amqpError('WARREN_ERR_AMQP_CONN_TLS', `cannot read ${key} file ${JSON.stringify(file)} (${reason})`, { details: { key, file, reason } });
  }
}

/** Socket options for an amqps:// dial; throws WARREN_ERR_AMQP_CONN_TLS when a file cannot be read. */
export function tlsSocketOptions(settings: AmqpTlsSettings): TlsSocketOptions {
  const options: TlsSocketOptions = { rejectUnauthorized: settings.rejectUnauthorized };
  if (settings.caFiles) options.ca = settings.caFiles.map((file) => readPem(file, 'amqp.tls.ca'));
  if (settings.certFile) options.cert = readPem(settings.certFile, 'amqp.tls.cert');
  if (settings.keyFile) options.key = readPem(settings.keyFile, 'amqp.tls.key');
  if (settings.passphrase !== undefined) options.passphrase = settings.passphrase;
  if (settings.servername) options.servername = settings.servername;
  return options;
}

/** Node's certificate verification codes (err.code), from OpenSSL's X509_V_ERR_* names. */
const CERT_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_SIGNATURE_FAILURE', 'CERT_REVOKED', 'CERT_UNTRUSTED',
  'CERT_REJECTED', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Whether a dial failed in TLS (handshake, certificate, key), not for want of a broker. */
export function isTlsFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return CERT_VERIFY_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO';
}

/** What a TLS failure means, in words that point at the amqp.tls key to fix. */
export function describeTlsFailure(error: unknown): string {
  const code = String((error as { code?: unknown }).code);
  if (CERT_VERIFY_CODES.has(code) && code !== 'ERR_TLS_CERT_ALTNAME_INVALID' && code !== 'HOSTNAME_MISMATCH' && !code.startsWith('CERT_')) {
    return `the broker's certificate is not signed by a CA Warren trusts (${code}): set amqp.tls.ca to the CA that signed it`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `the broker's certificate is not valid now (${code}): renew it`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return `the broker's certificate does not name the host in the URL (${code}): connect by a name it lists, or set amqp.tls.servername`;
  }
  if (/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|UNKNOWN_CA|BAD_CERTIFICATE/.test(code)) {
    return `the broker refused the TLS handshake (${code}): it requires a client certificate it trusts; set amqp.tls.cert and amqp.tls.key`;
  }
  if (code === 'ERR_OSSL_BAD_DECRYPT' || /BAD_DECRYPT|PASSPHRASE|DECODER/.test(code)) {
    return `the private key in amqp.tls.key cannot be read (${code}): check amqp.tls.passphrase and that the file is a PEM key`;
  }
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG/.test(code)) {
    return `the port does not speak TLS (${code}): use the broker's amqps port (5671 by default) or an amqp:// URL`;
  }
  return `TLS failed (${code})`;
}
