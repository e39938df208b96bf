import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DriverRegistry, renderConfigDocs } from '@warren/core';
import { amqpDriverDefinition } from '../../src/amqp-driver-definition.js';

const docsPath = fileURLToPath(new URL('../../../../docs/config.md', import.meta.url));

/** The rows of the generated key table that belong to the amqp driver (its section and its pipeline options). */
function amqpRows(): string[] {
  const registry = new DriverRegistry().register(amqpDriverDefinition);
  return renderConfigDocs(registry).split('\n').filter((row) => row.startsWith('| `amqp.') || row.includes('| (amqp) '));
}

describe('docs/config.md, amqp section', () => {
  const docs = readFileSync(docsPath, 'utf8');
  const block = /<!-- generated:amqp-keys:start -->\n([\s\S]*?)<!-- generated:amqp-keys:end -->/.exec(docs)?.[1];

  it('documents every amqp key with its kind, default and meaning, exactly as the schema says', () => {
    const rows = amqpRows();
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const row of rows) expect(row, 'a key without .describe() text').not.toMatch(/\| (\(amqp\) )?\|$/);
    expect(block, 'regenerate the amqp block of docs/config.md from renderConfigDocs()').toBe(
      ['| Key | Kind | Default | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n',
    );
  });
});
