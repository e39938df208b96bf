/*
 * A plain left-aligned text table for terminal output (status, dlq list). No colours, no borders,
 * so it reads the same in a terminal, a log file and a CI transcript.
 */

/** Renders rows under headers, columns padded to the widest cell; `undefined` shows as "-". */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string[] {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === undefined ? '-' : String(cell))))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}
