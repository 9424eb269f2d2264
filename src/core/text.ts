// Lists in text output (tables, summaries, messages) are joined one way everywhere.

/** "a, b, c"; `empty` when there is nothing to list. */
export function joinList(items: readonly string[], empty = ''): string {
  return items.length > 0 ? items.join(', ') : empty;
}
