/*
 * A top-level driver section (e.g. `amqp:`) that no pipeline uses is accepted, with a warning: it is
 * often a pipeline that forgot `driver: amqp` and silently runs in memory. Pure.
 */
import type { DriverRegistry } from '../../driver/driver-registry.js';
import type { ConfigView } from '../config-view.js';
import type { Diagnostic } from '../diagnostic.js';

/** One warning per registered driver's section that no pipeline uses. */
export function unusedSectionCheck(view: ConfigView, registry: DriverRegistry): Diagnostic[] {
  const used = new Set(view.pipelines.map((pipeline) => pipeline.driver));
  return view.topLevelKeys
    .filter((key) => registry.has(key) && !used.has(key))
    .map((key) => ({
      severity: 'warning' as const,
      code: 'WARREN_WRN_003',
      path: key,
      message: `the \`${key}\` section is set but no pipeline uses the ${key} driver (pipelines: ${view.pipelines.map((p) => `${p.name} → ${p.driver}`).join(', ') || '(none)'})`,
      hint: `add \`driver: ${key}\` to the pipelines that should use it, or remove the \`${key}\` section`,
    }));
}
