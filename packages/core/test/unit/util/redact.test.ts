import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl } from '../../../src/util/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['amqp://guest:guest@127.0.0.1:5672', 'amqp://guest:***@127.0.0.1:5672'],
    ['amqps://app:s3cr3t@broker.example:5671/prod?heartbeat=10', 'amqps://app:***@broker.example:5671/prod?heartbeat=10'],
    // Unencoded '@' and ':' in a password: URL parsers take the last '@' before the host.
    ['amqp://u:p@ss@host:5672/v', 'amqp://u:***@host:5672/v'],
    ['amqp://u:a:b@c@host', 'amqp://u:***@host'],
    ['amqp://a@b:pw@host', 'amqp://a@b:***@host'],
    ['amqp://app:p%40ss@host', 'amqp://app:***@host'],
    // Raw '#' and '?' (a URL that does not parse; config refuses it, but an error message may quote one).
    ['amqp://app:s3cr#t@host', 'amqp://app:***@host'],
    ['amqps://app:pa?ss#w@host:5671', 'amqps://app:***@host:5671'],
    ['cannot connect to amqp://x:one@h1 or redis://:two@h2:6379 (ECONNREFUSED)', 'cannot connect to amqp://x:***@h1 or redis://:***@h2:6379 (ECONNREFUSED)'],
  ])('%s', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('hides every password in a text with several URLs, separated or not', () => {
    const text = redactSecrets('urls: amqp://a:pw1@h1:5672,amqp://b:p@w2@h2:5672 ; see http://c:pw3@h3/x@y');
    for (const secret of ['pw1', 'p@w2', 'w2', 'pw3']) expect(text).not.toContain(`:${secret}@`);
    expect(text).toBe('urls: amqp://a:***@h1:5672,amqp://b:***@h2:5672 ; see http://c:***@h3/x@y');
  });

  it('leaves URLs without a password, e-mail addresses and paths alone', () => {
    for (const text of ['amqp://user@host:5672/v', 'amqp://host:5672/vhost?x=a@b', 'mail admin@example.com', 'http://host:8080 admin@example.com']) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('takes linear time on long texts without URLs (a base64 blob in an error message)', () => {
    const blob = 'QUJD'.repeat(100_000);
    const started = performance.now();
    expect(redactSecrets(`${blob} amqp://u:pw@h ${blob}`)).toBe(`${blob} amqp://u:***@h ${blob}`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('redactUrl is the same for one URL', () => {
    expect(redactUrl('amqp://guest:guest@localhost')).toBe('amqp://guest:***@localhost');
  });
});
