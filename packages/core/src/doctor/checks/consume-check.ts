/*
 * `jobs.consume` must name defined pipelines: the incident's `consume: [widgets]` with no `widgets`
 * pipeline was accepted silently and consumed nothing. Pure.
 */
import type { ConfigView } from '../config-view.js';
import type { Diagnostic } from '../diagnostic.js';
import { closestMatch } from '../levenshtein.js';

/** One error per consumed name that no pipeline defines. */
export function consumeCheck(view: ConfigView): Diagnostic[] {
  const defined = view.pipelines.map((pipeline) => pipeline.name);
  return view.consume
    .filter((entry) => !defined.includes(entry.name))
    .map((entry) => {
      const typo = closestMatch(entry.name, defined);
      return {
        severity: 'error' as const,
        code: 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND',
        path: entry.index === undefined ? 'jobs.consume' : `jobs.consume[${entry.index}]`,
        message: `consumes pipeline \`${entry.name}\`, which is not defined (defined pipelines: ${defined.join(', ') || '(none)'})${typo ? `; did you mean \`${typo}\`?` : ''}`,
        hint: typo ? `write \`${typo}\`` : `define it under jobs.pipelines.${entry.name}, or remove it from jobs.consume`,
      };
    });
}
