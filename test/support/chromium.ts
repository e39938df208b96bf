/*
 * Launches Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it) through playwright-core,
 * headless, with everything that would reach for the network turned off. Playwright's own browser
 * downloads do not work here. Fails with how to install it rather than skipping.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.WARREN_TEST_CHROMIUM ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialing Google services, which floods a closed network.
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** A headless Chromium with a fresh profile (playwright makes a temporary --user-data-dir per launch). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; the dashboard tests need it.\nInstall it with: apt-get install -y chromium (or set WARREN_TEST_CHROMIUM).`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS, timeout: 30_000 });
}
