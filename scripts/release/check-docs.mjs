/*
 * checkDocs and checkApiReference: what must hold of the documentation that ships with a release.
 * Pure: the caller reads the files (scripts/release-check.mjs). checkDocs finds references readers
 * cannot follow (DESIGN.md, STYLE.md, "issue #N", relative links to missing files); checkApiReference
 * finds exports that docs/api (TypeDoc, `pnpm docs:api`) does not describe, i.e. a stale reference.
 */
import { posix } from 'node:path';
import { FOREIGN_REFERENCE } from './check-package.mjs';

/** `[text](target)` links of Markdown, outside code. */
const LINK = /\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** Every problem of the docs (path relative to the repository → text); `exists` answers for a relative path. */
export function checkDocs(docs, exists) {
  const problems = [];
  for (const [path, text] of docs) {
    const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    const foreign = FOREIGN_REFERENCE.exec(prose);
    if (foreign) problems.push(`${path} refers to "${foreign[0]}", which readers cannot open`);
    for (const [, target] of prose.matchAll(LINK)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const file = posix.normalize(posix.join(posix.dirname(path), decodeURIComponent(target.split('#')[0])));
      if (!exists(file)) problems.push(`${path} links to ${target}, which does not exist`);
    }
  }
  return problems;
}

/** Runtime exports of a package that its API reference page (`markdown`) has no heading or link for. */
export function checkApiReference(packageName, exportNames, markdown) {
  const documented = new Set();
  // TypeDoc's headings: `### Warren`, `### createLogger()`, `### AMQP\_ERROR\_CODES`.
  for (const [, name] of markdown.replace(/\\/g, '').matchAll(/^#{2,4} ([^\s(]+)/gm)) documented.add(name);
  for (const [, name] of markdown.matchAll(/^- \[(\S+)\]\(/gm)) documented.add(name);
  return exportNames.filter((name) => name !== 'default' && !documented.has(name))
    .map((name) => `${packageName} exports ${name}, which docs/api does not describe (run pnpm docs:api)`);
}
