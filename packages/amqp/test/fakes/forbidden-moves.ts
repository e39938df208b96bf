/*
 * For transition-table tests: every (from, to) pair of `states` that the spelled-out `legal` list
 * does not contain. The legal list stays explicit in each test so that a table change shows up there.
 */

export function forbiddenMoves<S extends string>(states: readonly S[], legal: ReadonlyArray<readonly [S, S]>): Array<[S, S]> {
  const isLegal = (from: S, to: S) => legal.some(([f, t]) => f === from && t === to);
  return states.flatMap((from) => states.filter((to) => !isLegal(from, to)).map((to): [S, S] => [from, to]));
}
