/*
 * checkPackage: what must hold of one packed tarball before it is published. Pure: it reads the
 * tarball's files from a map (path inside the package → text) and returns the problems found, one
 * sentence each. Packing, installing and running belong to scripts/release-check.mjs.
 */
import { posix } from 'node:path';

/** Libraries whose single instance the application must share with Warren (one DI container, one metadata store). */
export const SHARED_WITH_APP = ['tsyringe', 'reflect-metadata'];

/** References to files and issues that exist only where Warren is developed, never where it is read. */
export const FOREIGN_REFERENCE = /\bDESIGN\.md\b|\bSTYLE\.md\b|\bissue #?\d+/i;

const REQUIRED_FIELDS = [
  ['description', (m) => m.description],
  ['license', (m) => m.license],
  ['keywords', (m) => Array.isArray(m.keywords) && m.keywords.length > 0],
  ['homepage', (m) => m.homepage],
  ['bugs.url', (m) => m.bugs?.url],
  ['repository.url', (m) => m.repository?.url],
  ['publishConfig.access = public', (m) => m.publishConfig?.access === 'public'],
  ['engines.node', (m) => m.engines?.node],
  ['types', (m) => m.types],
];

/** Every problem of one unpacked tarball; an empty list means it may be published. */
export function checkPackage(files) {
  const manifestText = files.get('package.json');
  if (manifestText === undefined) return ['package.json is missing'];
  const manifest = JSON.parse(manifestText);
  const label = manifest.name ?? '(unnamed package)';
  const problems = [];
  const report = (problem) => problems.push(`${label}: ${problem}`);

  for (const [field, read] of REQUIRED_FIELDS) if (!read(manifest)) report(`package.json has no ${field}`);
  for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md']) if (!files.has(file)) report(`${file} is not in the tarball`);
  const changelog = files.get('CHANGELOG.md');
  if (changelog !== undefined && !changelog.includes(`## ${manifest.version}`)) report(`CHANGELOG.md has no "## ${manifest.version}" section`);

  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) report(`${field}.${name} is still "${range}"`);
    }
  }
  for (const name of SHARED_WITH_APP) {
    if (manifest.dependencies?.[name]) report(`${name} is a dependency; it must be a peer dependency so the app and Warren share one copy`);
    if (importsModule(files, name) && !manifest.peerDependencies?.[name]) report(`dist imports ${name} but peerDependencies does not list it`);
  }
  for (const target of entryPoints(manifest)) if (!files.has(posix.normalize(target))) report(`${target} (named in package.json) is not in the tarball`);

  for (const [path, text] of files) {
    if (!path.startsWith('templates/') && /(^|\/)(test|tests|__tests__)\/|\.test\.[cm]?[jt]s$/.test(path)) report(`${path} is a test file`);
    if (path.endsWith('.map')) for (const source of missingSources(path, text, files)) report(`${path} points at ${source}, which is not in the tarball`);
    else if (FOREIGN_REFERENCE.test(text)) report(`${path} refers to "${FOREIGN_REFERENCE.exec(text)[0]}", which readers of the package cannot open`);
  }
  return problems;
}

function importsModule(files, name) {
  const pattern = new RegExp(`(from|import|require\\()\\s*['"]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`);
  for (const [path, text] of files) if (path.startsWith('dist/') && path.endsWith('.js') && pattern.test(text)) return true;
  return false;
}

function entryPoints(manifest) {
  const targets = [manifest.main, manifest.types];
  const bin = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  const walk = (value) => (typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap(walk));
  return [...targets, ...bin, ...walk(manifest.exports)].filter(Boolean).map((target) => target.replace(/^\.\//, ''));
}

function missingSources(mapPath, text, files) {
  const map = JSON.parse(text);
  const base = posix.join(posix.dirname(mapPath), map.sourceRoot ?? '');
  return (map.sources ?? []).map((source) => posix.join(base, source)).filter((source) => !files.has(source));
}
