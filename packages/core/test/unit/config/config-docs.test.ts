import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildConfigSchema, DriverRegistry, renderConfigDocs } from '../../../src/index.js';
import { listConfigKeys } from '../../../src/config/config-docs.js';
import { fakeRegistry } from './fake-drivers.js';

const docsPath = fileURLToPath(new URL('../../../../../docs/config.md', import.meta.url));
const REGENERATE = "regenerate it: pnpm build, then in packages/core: node -e \"import('./dist/index.js').then(m => console.log(m.renderConfigDocs()))\"";

describe('docs/config.md', () => {
  const docs = readFileSync(docsPath, 'utf8');

  it('documents every core schema key with its default', () => {
    const keys = listConfigKeys(buildConfigSchema(new DriverRegistry()));
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) {
      expect(docs, `${key.path} missing from docs/config.md; ${REGENERATE}`).toContain(`| \`${key.path}\` |`);
      expect(key.description, `${key.path} has no .describe() text`).not.toBe('');
    }
  });

  it('holds exactly the generated key table', () => {
    const table = /<!-- generated:keys:start -->\n([\s\S]*?)<!-- generated:keys:end -->/.exec(docs)?.[1];
    expect(table, REGENERATE).toBe(renderConfigDocs());
  });
});

describe('renderConfigDocs', () => {
  it("adds each registered driver's section and option keys", () => {
    const text = renderConfigDocs(fakeRegistry());
    expect(text).toContain('| `amqp.heartbeat` | duration | `30s` |');
    expect(text).toContain('| `jobs.pipelines.<name>.options.prefetch` |');
  });
});
