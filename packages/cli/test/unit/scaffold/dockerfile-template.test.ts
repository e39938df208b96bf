/*
 * The Dockerfile `warren new` writes (docs/deploy.md): multi-stage, TypeScript compiled in the build stage only, tini as
 * PID 1 running node on the built CLI (never `npm start`, whose prestart runs tsc), a non-root user, and the port of the
 * project's warren.yaml exposed. Checked as text: there is no Docker daemon in the test environment.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffoldProject } from '../../../src/scaffold/scaffold-project.js';

const dir = mkdtempSync(join(tmpdir(), 'warren-docker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const app = join(dir, 'Billing Worker');
scaffoldProject({ targetDir: app, warrenVersion: '1.2.3', force: false });
const text = readFileSync(join(app, 'Dockerfile'), 'utf8');

/** Instructions of the Dockerfile (comments and blank lines dropped), split into stages at each FROM. */
function stages(dockerfile: string): Array<Array<{ op: string; args: string }>> {
  const result: Array<Array<{ op: string; args: string }>> = [];
  for (const line of dockerfile.split('\n')) {
    const match = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!match || line.trim().startsWith('#')) continue;
    const [, op, args] = match as unknown as [string, string, string];
    if (op === 'FROM') result.push([]);
    result.at(-1)?.push({ op, args });
  }
  return result;
}

describe('the scaffolded Dockerfile', () => {
  const [build, runtime] = stages(text);
  const arg = (stage: typeof build, op: string) => stage!.filter((instruction) => instruction.op === op).map((instruction) => instruction.args);

  it('has a build stage and a runtime stage on the same Node.js image', () => {
    expect(stages(text)).toHaveLength(2);
    expect(arg(build, 'FROM')).toEqual(['node:${NODE_VERSION}-bookworm-slim AS build']);
    expect(arg(runtime, 'FROM')).toEqual(['node:${NODE_VERSION}-bookworm-slim']);
    expect(text).not.toContain('{{');
    expect(text).toContain('docker build -t billing-worker .');
  });

  it('compiles in the build stage and ships only built JavaScript, production dependencies and the config', () => {
    expect(arg(build, 'RUN').join('\n')).toContain('npm run build && npm prune --omit=dev');
    expect(arg(runtime, 'COPY')).toEqual([
      '--from=build --chown=node:node /app/package.json ./',
      '--from=build --chown=node:node /app/node_modules ./node_modules',
      '--from=build --chown=node:node /app/dist ./dist',
      '--chown=node:node warren.yaml ./',
    ]);
    expect(arg(runtime, 'RUN').join('\n')).not.toMatch(/tsc|npm run build/);
  });

  it('runs node on the built CLI under tini as a non-root user', () => {
    expect(arg(runtime, 'ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--"]']);
    expect(arg(runtime, 'RUN').join('\n')).toContain('apt-get install -y --no-install-recommends tini');
    expect(arg(runtime, 'CMD')).toEqual(['["node", "node_modules/@warren/cli/dist/bin.js", "run", "-c", "warren.yaml"]']);
    expect(arg(runtime, 'USER')).toEqual(['node']);
  });

  it('is the Dockerfile docs/deploy.md shows, instruction for instruction', () => {
    const deploy = readFileSync(new URL('../../../../../docs/deploy.md', import.meta.url), 'utf8');
    const shown = /```dockerfile\n([\s\S]*?)```/.exec(deploy)?.[1] ?? '';
    const instructions = (dockerfile: string) => dockerfile.split('\n').map((line) => line.trim()).filter((line) => /^[A-Z]+ /.test(line));
    expect(instructions(shown)).toEqual(instructions(text));
  });

  it('exposes the health port of the project’s warren.yaml', () => {
    const port = /^http: \{ port: (\d+) \}/m.exec(readFileSync(join(app, 'warren.yaml'), 'utf8'))?.[1];
    expect(port).toBe('9400');
    expect(arg(runtime, 'EXPOSE')).toEqual([port]);
  });

  it('builds from the files the scaffold writes (package.json, tsconfig.json, src/, warren.yaml)', () => {
    const package_ = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(package_.scripts['build']).toBe('tsc');
    expect(arg(build, 'COPY')).toEqual(['package.json package-lock.json* ./', 'tsconfig.json ./', 'src ./src']);
    const tsconfig = JSON.parse(readFileSync(join(app, 'tsconfig.json'), 'utf8')) as { compilerOptions: { outDir: string; rootDir?: string } };
    expect(tsconfig.compilerOptions.outDir).toBe('dist');
  });
});
