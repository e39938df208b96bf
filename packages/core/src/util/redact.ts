/*
 * Secret redaction for anything that may reach a log line, an error message or CLI output.
 * Owns the URL-credential pattern; does not decide what to log.
 */

// userinfo in any scheme://user:pass@host URL (amqp, amqps, redis, http...). The password runs to the LAST '@'
// before the host, as URL parsers read it: an unencoded '@' in a password (amqp://u:p@ss@host) stays hidden.
// The scheme is at most 32 characters: unbounded, every position of a long run of letters (a base64 blob in an
// error message) started a scan to the end of the run, and a 1 MB message took minutes (quadratic).
// A raw '#' or '?' in a password (amqp://app:s3cr#t@host, which no parser reads as intended) is hidden too: the
// password runs to the last '@' before the next '/' or space (a query like host:5672?x=a@b is over-hidden).
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]{0,31}:\/\/)([^:/?#\s]*):([^/\s]*)@/gi;

/** Replaces the password of every URL in `text` with `***`; keeps the user name for diagnosis. */
export function redactSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1$2:***@');
}

/** A URL safe to print: `amqp://guest:***@host:5672/vhost`. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}
