import { describe, expect, it } from 'vitest';
import { TimelineStore, staticSource, type AssetSource } from './timelineStore';
import { asset } from './testAssets';

function months(count: number, perMonth: number) {
  const list = [];
  for (let m = 0; m < count; m++) {
    const month = String(12 - (m % 12)).padStart(2, '0');
    const year = 2024 - Math.floor(m / 12);
    for (let i = 0; i < perMonth; i++) {
      const day = String(28 - (i % 28)).padStart(2, '0');
      list.push(asset(`${year}-${month}-${i}`, `${year}-${month}-${day}T12:00:00.000Z`, [1.5, 0.75, 1][i % 3]));
    }
  }
  return list;
}

describe('TimelineStore', () => {
  it('estimates every month, then loads only those near the window', async () => {
    const requested: string[] = [];
    const base = staticSource(months(24, 50));
    const source: AssetSource = { buckets: base.buckets, bucket: (k) => (requested.push(k), base.bucket(k)) };
    const store = new TimelineStore(source, 1200);
    await store.init();
    expect(store.months).toHaveLength(24);
    expect(store.count).toBe(1200);
    await store.ensureLoaded(0, 800, 0);
    expect(requested).toEqual(['2024-12-01']);
    expect(store.months[0].days?.length).toBeGreaterThan(0);
    // Offsets stay contiguous after the real height replaced the estimate.
    for (let i = 1; i < store.months.length; i++) {
      expect(store.months[i].top).toBeCloseTo(store.months[i - 1].top + store.months[i - 1].height, 6);
    }
  });

  it('reports the height change of a month loaded above the viewport, so the view can compensate', async () => {
    const store = new TimelineStore(staticSource(months(6, 40)), 1200);
    await store.init();
    const adjustments: number[] = [];
    store.subscribe(({ scrollAdjust }) => adjustments.push(scrollAdjust));
    const third = store.months[2];
    const scrollTop = third.top + 10;
    const estimated = store.months[0].height;
    await store.ensureLoaded(0, 1, scrollTop);
    expect(adjustments).toEqual([store.months[0].height - estimated]);
  });

  it('removes assets and drops months that became empty', async () => {
    const store = new TimelineStore(staticSource(months(2, 3)), 1200);
    await store.init();
    await store.ensureLoaded(0, 1e9, 0);
    const firstMonth = store.months[0].assets!.map((a) => a.id);
    store.remove(firstMonth);
    expect(store.months).toHaveLength(1);
    expect(store.months[0].top).toBe(0);
    expect(store.order()).toHaveLength(3);
  });

  it('re-lays out for a new width and gives positions of loaded assets', async () => {
    const store = new TimelineStore(staticSource(months(1, 30)), 1200);
    await store.init();
    await store.ensureLoaded(0, 1e9, 0);
    const wide = store.totalHeight;
    store.setWidth(400);
    expect(store.metrics.rowHeight).toBe(110);
    expect(store.totalHeight).not.toBe(wide);
    const last = store.order()[29];
    expect(store.positionOf(last.id)).toBeGreaterThan(0);
    expect(store.positionOf('missing')).toBeNull();
  });

  it('loads the neighbouring months of a viewed asset', async () => {
    const store = new TimelineStore(staticSource(months(3, 100)), 1200);
    await store.init();
    await store.ensureLoaded(0, 1, 0);
    const lastOfFirst = store.order().at(-1)!;
    await store.loadAround(lastOfFirst.id);
    expect(store.months.map((m) => m.assets !== null)).toEqual([true, true, false]);
  });

  it('refreshes changed months in place and adds new ones', async () => {
    const list = months(2, 5);
    const live = [...list];
    const source: AssetSource = {
      buckets: () => staticSource(live).buckets(),
      bucket: (key) => staticSource(live).bucket(key),
    };
    const store = new TimelineStore(source, 1200);
    await store.init();
    await store.ensureLoaded(0, 1e9, 0);
    const untouched = store.months[1];
    live.unshift(asset('new', '2024-12-28T18:00:00.000Z'));
    live.unshift(asset('newer', '2025-01-02T08:00:00.000Z'));
    await store.refresh(0);
    expect(store.months.map((m) => m.key)).toEqual(['2025-01-01', '2024-12-01', '2024-11-01']);
    expect(store.months[1].assets!.map((a) => a.id)).toContain('new');
    expect(store.months[2]).toBe(untouched);
    expect(store.count).toBe(12);
  });
});
