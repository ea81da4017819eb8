import { describe, expect, it } from 'vitest';
import { emptySelection, isGroupSelected, selectRange, toggle, toggleGroup, without } from './selection';

const order = ['a', 'b', 'c', 'd', 'e'];

describe('selection', () => {
  it('toggles single assets', () => {
    const one = toggle(emptySelection, 'b');
    expect([...one.ids]).toEqual(['b']);
    expect(toggle(one, 'b').ids.size).toBe(0);
  });

  it('selects a range from the anchor in either direction', () => {
    const down = selectRange(toggle(emptySelection, 'b'), order, 'd');
    expect([...down.ids].sort()).toEqual(['b', 'c', 'd']);
    const up = selectRange(toggle(emptySelection, 'e'), order, 'c');
    expect([...up.ids].sort()).toEqual(['c', 'd', 'e']);
  });

  it('falls back to a toggle without an anchor', () => {
    expect([...selectRange(emptySelection, order, 'c').ids]).toEqual(['c']);
  });

  it('selects a whole day, and clears it when it was all selected', () => {
    const day = ['b', 'c'];
    const selected = toggleGroup(toggle(emptySelection, 'b'), day);
    expect(isGroupSelected(selected, day)).toBe(true);
    expect(toggleGroup(selected, day).ids.size).toBe(0);
  });

  it('forgets removed assets and their anchor', () => {
    const s = without(selectRange(toggle(emptySelection, 'a'), order, 'c'), ['c']);
    expect([...s.ids].sort()).toEqual(['a', 'b']);
    expect(s.anchor).toBeNull();
  });
});
