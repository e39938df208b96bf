/*
 * Checks on who is talking to the dashboard. The page binds to loopback by default, but any website the
 * operator visits can make the browser send requests there: a Host that is not an address or the bound
 * name means DNS rebinding, and an Origin other than the page's own means a cross-site request. Pure.
 */

/** True when `host` (the Host header) names an IP address, localhost, or the name the dashboard was bound to. */
export function isAllowedHost(host: string | undefined, boundHost: string): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === boundHost || /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/i.test(name);
}

/** True when there is no Origin (not a browser's cross-site request) or it is this server's own. */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  return host !== undefined && origin === `http://${host}`;
}
