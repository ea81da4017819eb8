/**
 * Multi-select: click toggles one asset, shift-click selects the range from the last clicked
 * asset (the anchor) in timeline order, and a day's checkbox selects or clears the whole day.
 */

export interface Selection {
  ids: ReadonlySet<string>;
  anchor: string | null;
}

export const emptySelection: Selection = { ids: new Set(), anchor: null };

export function toggle(selection: Selection, id: string): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
}

/**
 * Selects every asset between the anchor and `id` (inclusive) in `order`. Without an anchor
 * (or one no longer in the list) it behaves like a plain toggle.
 */
export function selectRange(selection: Selection, order: readonly string[], id: string): Selection {
  const from = selection.anchor == null ? -1 : order.indexOf(selection.anchor);
  const to = order.indexOf(id);
  if (from < 0 || to < 0) return toggle(selection, id);
  const ids = new Set(selection.ids);
  const [start, end] = from <= to ? [from, to] : [to, from];
  for (let i = start; i <= end; i++) ids.add(order[i]);
  return { ids, anchor: id };
}

/** Selects all of `group` unless all of it is already selected, in which case it clears it. */
export function toggleGroup(selection: Selection, group: readonly string[]): Selection {
  const ids = new Set(selection.ids);
  const allSelected = group.length > 0 && group.every((id) => ids.has(id));
  for (const id of group) {
    if (allSelected) ids.delete(id);
    else ids.add(id);
  }
  return { ids, anchor: group.length > 0 ? group[group.length - 1] : selection.anchor };
}

export function isGroupSelected(selection: Selection, group: readonly string[]): boolean {
  return group.length > 0 && group.every((id) => selection.ids.has(id));
}

/** Drops ids that left the view (trashed, archived) so actions never target them. */
export function without(selection: Selection, removed: Iterable<string>): Selection {
  const ids = new Set(selection.ids);
  for (const id of removed) ids.delete(id);
  return { ids, anchor: selection.anchor != null && ids.has(selection.anchor) ? selection.anchor : null };
}
