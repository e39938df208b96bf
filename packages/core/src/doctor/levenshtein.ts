/*
 * Edit distance and "did you mean" matching for config keys and names. Pure. Compares keys
 * loosely (case, `_` and `-` ignored) so `shutdownTimeout` finds `shutdown_timeout`.
 */

/** Levenshtein edit distance between two strings. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function loose(word: string): string {
  return word.toLowerCase().replace(/[_-]/g, '');
}

/** The candidate closest to `word`, if close enough to be a likely typo (≤ 2 edits and ≤ a third of its length). */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = levenshtein(loose(word), loose(candidate));
    const limit = Math.min(2, Math.max(1, Math.floor(candidate.length / 3)));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
