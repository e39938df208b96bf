/*
 * The page's static files (packages/cli/dashboard/: HTML, JS, CSS), shipped as written: there is no
 * build step, so what the package holds is what the browser runs. Read once, served from memory.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** URL path → file name and content type. */
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
};

/** From dist/dashboard/ (or src/dashboard/) up to the package root's dashboard/ folder. */
export const ASSETS_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/** Every asset by URL path. */
export async function loadAssets(dir = ASSETS_DIR): Promise<ReadonlyMap<string, Asset>> {
  const entries = await Promise.all(Object.entries(ASSETS).map(async ([path, { file, type }]) => [path, { type, body: await readFile(`${dir}${file}`) }] as const));
  return new Map(entries);
}
