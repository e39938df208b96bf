/*
 * Broker URL checks for config load: an `amqp.urls` entry must parse as amqplib will parse it (WHATWG URL),
 * with nothing after the host that belongs to the credentials. A raw '#', '/', '?' or '@' in a password
 * (`amqp://app:s3cr#t@host`) either fails to parse or silently moves part of the password into the
 * fragment, path or query. Pure; the zod schema (amqp-options.ts) reports what this finds. No I/O.
 */

/** Why a broker URL is refused, in words for a config diagnostic (the URL in it has its password hidden). */
export interface BrokerUrlProblem {
  readonly message: string;
  readonly hint: string;
}

const SCHEME = /^amqps?:\/\//i;

/** The fix for any problem below: percent-encode what URL syntax reserves. */
export const BROKER_URL_HINT =
  "percent-encode reserved characters in the user name, password and vhost (a password p#ss is written p%23ss): "
  + "'#' as %23, '/' as %2F, '?' as %3F, '@' as %40, ':' as %3A, '%' as %25";

/**
 * The URL with everything between `scheme://user:` and its LAST '@' hidden: unlike redactSecrets (which reads
 * URLs as parsers do, and so stops at a raw '/' or '#'), it hides a password whatever characters it holds.
 */
export function hideBrokerUrlPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]{0,31}:\/\/[^:@/]*):.*@/is, '$1:***@');
}

/** Where the authority (userinfo@host:port) ends: at the first '/', '?' or '#' after `scheme://`. */
function authorityEnd(url: string, start: number): number {
  for (let i = start; i < url.length; i += 1) {
    const char = url[i];
    if (char === '/' || char === '?' || char === '#') return i;
  }
  return url.length;
}

/** Undefined when `url` is a usable amqp(s) URL; else what is wrong with it and how to fix it. */
export function brokerUrlProblem(url: string): BrokerUrlProblem | undefined {
  const shown = JSON.stringify(hideBrokerUrlPassword(url));
  if (!SCHEME.test(url)) return { message: `must start with amqp:// or amqps://, but is ${shown}`, hint: 'write the broker URL as amqp://user:password@host:5672/vhost' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { message: `${shown} is not a valid URL (a reserved character in the password?)`, hint: BROKER_URL_HINT };
  }
  const end = authorityEnd(url, url.indexOf('//') + 2);
  if (url.includes('@', end)) {
    return { message: `${shown} has an '@' after its host: a '/', '?' or '#' in the user name or password ends the host part early`, hint: BROKER_URL_HINT };
  }
  if (parsed.hash !== '') return { message: `${shown} has a '#' fragment, which amqp URLs do not have (a '#' in the password?)`, hint: BROKER_URL_HINT };
  if (parsed.hostname === '') return { message: `${shown} names no host`, hint: 'write the broker URL as amqp://user:password@host:5672/vhost' };
  return undefined;
}
