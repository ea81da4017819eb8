/**
 * The state behind a virtual timeline: every month with its count, the months loaded so far
 * (lazily, as they come near the viewport), their laid-out heights and offsets. Framework-free
 * so the loading and scroll-anchoring rules are unit-tested; React subscribes to changes.
 */
import {
  estimateMonthHeight,
  firstVisible,
  layoutMonth,
  type BucketSummary,
  type DayLayout,
  type GridMetrics,
  type TimelineAsset,
} from './timeline';
import { errorMessage } from './format';

/** Where the grid's assets come from: the server's buckets, or a list that arrived whole. */
export interface AssetSource {
  buckets(): Promise<BucketSummary[]>;
  bucket(timeBucket: string): Promise<TimelineAsset[]>;
}

export interface MonthState {
  key: string;
  count: number;
  top: number;
  height: number;
  assets: TimelineAsset[] | null;
  days: DayLayout[] | null;
  loading: boolean;
}

export function metricsFor(width: number): GridMetrics {
  const phone = width < 640;
  return {
    width,
    rowHeight: phone ? 110 : 220,
    spacing: phone ? 2 : 4,
    monthHeader: phone ? 44 : 56,
    dayHeader: phone ? 32 : 36,
    monthGap: phone ? 12 : 24,
    maxScale: 1.5,
  };
}

/** Builds a source from a whole list; `flat` keeps its order in one group (relevance-ranked results). */
export function staticSource(assets: readonly TimelineAsset[], flat = false): AssetSource {
  if (flat) {
    return {
      buckets: async () => (assets.length ? [{ timeBucket: 'results', count: assets.length }] : []),
      bucket: async () => [...assets],
    };
  }
  const months = new Map<string, TimelineAsset[]>();
  for (const asset of assets) {
    const key = `${asset.localDateTime.slice(0, 7)}-01`;
    const list = months.get(key) ?? [];
    list.push(asset);
    months.set(key, list);
  }
  return {
    buckets: async () => [...months].map(([timeBucket, list]) => ({ timeBucket, count: list.length })),
    bucket: async (key) => months.get(key) ?? [],
  };
}

type Listener = (change: { scrollAdjust: number }) => void;

export class TimelineStore {
  months: MonthState[] = [];
  metrics: GridMetrics;
  totalHeight = 0;
  ready = false;
  error: string | null = null;
  private listeners = new Set<Listener>();
  private generation = 0;

  constructor(
    private source: AssetSource,
    width = 1000,
    /** One headerless grid in the source's order (search results), instead of months and days. */
    readonly flat = false,
  ) {
    this.metrics = metricsFor(width);
  }

  private layout(assets: readonly TimelineAsset[]) {
    return layoutMonth(assets, this.metrics, this.flat);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private orderCache: TimelineAsset[] | null = null;

  private emit(scrollAdjust = 0) {
    this.orderCache = null;
    for (const listener of this.listeners) listener({ scrollAdjust });
  }

  /** Loads the list of months (not their assets). */
  async init(): Promise<void> {
    const generation = ++this.generation;
    try {
      const buckets = await this.source.buckets();
      if (generation !== this.generation) return;
      this.months = buckets.map((b) => ({
        key: b.timeBucket,
        count: b.count,
        top: 0,
        height: estimateMonthHeight(b.count, this.metrics),
        assets: null,
        days: null,
        loading: false,
      }));
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
    this.ready = true;
    this.relayout();
    this.emit();
  }

  /**
   * Re-reads the months. Loaded months whose count changed keep showing their old assets
   * until the new ones arrive (no flash); the others are kept as they are.
   */
  async refresh(scrollTop = 0): Promise<void> {
    const buckets = await this.source.buckets();
    const old = new Map(this.months.map((m) => [m.key, m]));
    const stale: MonthState[] = [];
    this.months = buckets.map((b) => {
      const previous = old.get(b.timeBucket);
      if (previous && previous.count === b.count) return previous;
      if (previous?.assets) {
        previous.count = b.count;
        stale.push(previous);
        return previous;
      }
      return {
        key: b.timeBucket,
        count: b.count,
        top: 0,
        height: estimateMonthHeight(b.count, this.metrics),
        assets: null,
        days: null,
        loading: false,
      };
    });
    this.relayout();
    this.emit();
    await Promise.all(stale.map((month) => this.load(month, () => scrollTop)));
    await this.ensureLoaded(scrollTop, scrollTop + 2000, scrollTop);
  }

  /** Re-fetches the loaded months holding these assets (e.g. their thumbnails just became ready). */
  async reloadContaining(ids: Iterable<string>, scrollTop = 0): Promise<void> {
    const set = new Set(ids);
    const months = this.months.filter((m) => m.assets?.some((a) => set.has(a.id)));
    await Promise.all(months.map((month) => this.load(month, () => scrollTop)));
  }

  setWidth(width: number) {
    if (Math.abs(width - this.metrics.width) < 1) return;
    this.metrics = metricsFor(width);
    for (const month of this.months) {
      if (month.assets) {
        const { days, height } = this.layout(month.assets);
        month.days = days;
        month.height = height;
      } else {
        month.height = estimateMonthHeight(month.count, this.metrics);
      }
    }
    this.relayout();
    this.emit();
  }

  private relayout() {
    let top = 0;
    for (const month of this.months) {
      month.top = top;
      top += month.height;
    }
    this.totalHeight = top;
  }

  /** Months that intersect [from, to). */
  monthsIn(from: number, to: number): MonthState[] {
    const start = firstVisible(
      this.months.map((m) => m.top),
      this.months.map((m) => m.height),
      from,
    );
    const result: MonthState[] = [];
    for (let i = start; i < this.months.length && this.months[i].top < to; i++) result.push(this.months[i]);
    return result;
  }

  /**
   * Loads the months that intersect [from, to). When a loaded month above `scrollTop` changes
   * height, listeners get the difference so the view can scroll by it and nothing on screen jumps.
   */
  async ensureLoaded(from: number, to: number, scrollTop: number): Promise<void> {
    const wanted = this.monthsIn(from, to).filter((m) => !m.assets && !m.loading);
    await Promise.all(wanted.map((month) => this.load(month, () => scrollTop)));
  }

  private async load(month: MonthState, scrollTop: () => number) {
    month.loading = true;
    const generation = this.generation;
    let assets: TimelineAsset[];
    try {
      assets = await this.source.bucket(month.key);
    } catch (err) {
      month.loading = false;
      this.error = errorMessage(err);
      this.emit();
      return;
    }
    if (generation !== this.generation || !this.months.includes(month)) return;
    month.loading = false;
    month.assets = assets;
    const { days, height } = this.layout(assets);
    const delta = height - month.height;
    const above = month.top + month.height <= scrollTop();
    month.days = days;
    month.height = height;
    this.relayout();
    this.emit(above ? delta : 0);
  }

  /**
   * Loads the months just before and after the one holding `id`, so the viewer can step past
   * the edge of what was loaded by scrolling.
   */
  async loadAround(id: string, scrollTop = 0): Promise<void> {
    const index = this.months.findIndex((m) => m.assets?.some((a) => a.id === id));
    if (index < 0) return;
    const near = [this.months[index - 1], this.months[index + 1]].filter(
      (m): m is MonthState => m !== undefined && !m.assets && !m.loading,
    );
    await Promise.all(near.map((month) => this.load(month, () => scrollTop)));
  }

  /** Ids of loaded assets in timeline order (for shift-range selection and the viewer). */
  order(): TimelineAsset[] {
    // Cached between changes: the grid asks on every scroll frame.
    this.orderCache ??= this.months.flatMap((m) => m.assets ?? []);
    return this.orderCache;
  }

  /** Top of the month holding `asset`, and of the asset itself, if it is loaded. */
  positionOf(id: string): number | null {
    for (const month of this.months) {
      for (const day of month.days ?? []) {
        const index = day.assets.findIndex((a) => a.id === id);
        if (index >= 0) return month.top + day.top + this.metrics.dayHeader + day.boxes[index].top;
      }
    }
    return null;
  }

  /** Applies a change to loaded assets (favorite) without reloading. */
  patch(ids: Iterable<string>, change: Partial<TimelineAsset>) {
    const set = new Set(ids);
    for (const month of this.months) {
      if (!month.assets) continue;
      month.assets = month.assets.map((a) => (set.has(a.id) ? { ...a, ...change } : a));
      month.days = this.layout(month.assets).days;
    }
    this.emit();
  }

  /** Drops assets that left this view (trashed, archived, restored) and re-lays their months. */
  remove(ids: Iterable<string>) {
    const set = new Set(ids);
    for (const month of this.months) {
      if (!month.assets || !month.assets.some((a) => set.has(a.id))) continue;
      month.assets = month.assets.filter((a) => !set.has(a.id));
      month.count = month.assets.length;
      const { days, height } = this.layout(month.assets);
      month.days = days;
      month.height = month.assets.length === 0 ? 0 : height;
    }
    this.months = this.months.filter((m) => m.count > 0);
    this.relayout();
    this.emit();
  }

  get count(): number {
    return this.months.reduce((sum, m) => sum + m.count, 0);
  }
}
