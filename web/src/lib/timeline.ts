/**
 * Timeline model: months (Immich's time buckets) hold days, days hold assets. Turns the
 * server's columnar bucket answer into assets, groups them by local day and lays a month
 * out as day sections of justified rows, with offsets the virtual scroller uses.
 */
import { estimateHeight, justify, type Box, type JustifiedOptions } from './justified';

/** The fields of an asset the grid needs. */
export interface TimelineAsset {
  id: string;
  isImage: boolean;
  isFavorite: boolean;
  isTrashed: boolean;
  visibility: string;
  /** Wall-clock time where the photo was taken, as an ISO string "as if UTC" (Immich's localDateTime). */
  localDateTime: string;
  duration: number | null;
  thumbhash: string | null;
  ratio: number;
  city: string | null;
  country: string | null;
  latitude?: number | null;
  longitude?: number | null;
  /** The motion part of a live photo, played by the viewer. */
  livePhotoVideoId?: string | null;
  /** How many assets the stack this asset leads holds (`withStacked` timelines only). */
  stackCount?: number | null;
}

/** `GET /timeline/bucket` answer: one array per field. */
export interface BucketColumns {
  id: string[];
  isImage: boolean[];
  isFavorite: boolean[];
  isTrashed: boolean[];
  visibility: string[];
  fileCreatedAt: string[];
  localOffsetHours: number[];
  duration: (number | string | null)[];
  thumbhash: (string | null)[];
  ratio: number[];
  city?: (string | null)[];
  country?: (string | null)[];
  latitude?: (number | null)[];
  longitude?: (number | null)[];
  livePhotoVideoId?: (string | null)[];
  /** Immich's `[stackId, assetCount]` pairs, with `withStacked=true`. */
  stack?: ([string, string] | null)[];
}

export interface BucketSummary {
  timeBucket: string;
  count: number;
}

/** The local wall-clock time: UTC time shifted by the offset, written as if it were UTC. */
export function localDateTime(fileCreatedAt: string, offsetHours: number): string {
  const time = Date.parse(fileCreatedAt);
  if (Number.isNaN(time)) return fileCreatedAt;
  return new Date(time + (offsetHours || 0) * 3_600_000).toISOString();
}

export function assetsFromColumns(columns: BucketColumns): TimelineAsset[] {
  return columns.id.map((id, i) => ({
    id,
    isImage: columns.isImage[i],
    isFavorite: columns.isFavorite[i],
    isTrashed: columns.isTrashed[i],
    visibility: columns.visibility[i],
    localDateTime: localDateTime(columns.fileCreatedAt[i], columns.localOffsetHours[i]),
    duration: parseDuration(columns.duration[i]),
    thumbhash: columns.thumbhash[i],
    ratio: columns.ratio[i] || 1,
    city: columns.city?.[i] ?? null,
    country: columns.country?.[i] ?? null,
    latitude: columns.latitude?.[i] ?? null,
    longitude: columns.longitude?.[i] ?? null,
    livePhotoVideoId: columns.livePhotoVideoId?.[i] ?? null,
    stackCount: stackSize(columns.stack?.[i]),
  }));
}

/** The size of the stack an asset leads, from Immich's `[stackId, "count"]` pair. */
function stackSize(pair: [string, string] | null | undefined): number | null {
  const count = pair ? Number(pair[1]) : NaN;
  return Number.isFinite(count) && count > 1 ? count : null;
}

/** Durations arrive as milliseconds (Shoebox) or "H:MM:SS.mmm" (Immich); returns milliseconds. */
export function parseDuration(raw: number | string | null | undefined): number | null {
  if (raw == null) return null;
  if (typeof raw === 'number') return raw;
  const parts = raw.split(':').map(Number);
  if (parts.some(Number.isNaN)) return null;
  return Math.round(parts.reduce((total, part) => total * 60 + part, 0) * 1000);
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "2024-03-17" from a local date time. */
export function dayKey(local: string): string {
  return local.slice(0, 10);
}

/** "2024-03-01" from a local date time or bucket name. */
export function monthKey(local: string): string {
  return `${local.slice(0, 7)}-01`;
}

export interface DayGroup {
  day: string;
  assets: TimelineAsset[];
}

/** Groups assets (already in timeline order) into consecutive days. */
export function groupByDay(assets: readonly TimelineAsset[]): DayGroup[] {
  const days: DayGroup[] = [];
  for (const asset of assets) {
    const day = dayKey(asset.localDateTime);
    const last = days[days.length - 1];
    if (last && last.day === day) last.assets.push(asset);
    else days.push({ day, assets: [asset] });
  }
  return days;
}

/** Groups assets (in timeline order) into months, for lists that arrive whole (search, people). */
export function groupByMonth(assets: readonly TimelineAsset[]): Map<string, TimelineAsset[]> {
  const months = new Map<string, TimelineAsset[]>();
  for (const asset of assets) {
    const key = monthKey(asset.localDateTime);
    const list = months.get(key);
    if (list) list.push(asset);
    else months.set(key, [asset]);
  }
  return months;
}

export interface GridMetrics extends JustifiedOptions {
  /** Height of a month header. */
  monthHeader: number;
  /** Height of a day header. */
  dayHeader: number;
  /** Space after a month. */
  monthGap: number;
}

export interface DayLayout {
  day: string;
  /** Offset of the day header inside its month. */
  top: number;
  height: number;
  assets: TimelineAsset[];
  /** Tile boxes relative to the top of the day's grid (below its header). */
  boxes: Box[];
}

/** Lays a month out as days; `flat` puts everything in one headerless group (search results by relevance). */
export function layoutMonth(
  assets: readonly TimelineAsset[],
  metrics: GridMetrics,
  flat = false,
): { days: DayLayout[]; height: number } {
  if (flat) metrics = { ...metrics, monthHeader: 0, dayHeader: 0 };
  let top = metrics.monthHeader;
  const groups = flat ? [{ day: '', assets: [...assets] }] : groupByDay(assets);
  const days = groups.map((group) => {
    const { boxes, height } = justify(
      group.assets.map((a) => a.ratio),
      metrics,
    );
    const day: DayLayout = { day: group.day, top, height: metrics.dayHeader + height, assets: group.assets, boxes };
    top += day.height + metrics.spacing * 4;
    return day;
  });
  return { days, height: top + metrics.monthGap };
}

export function estimateMonthHeight(count: number, metrics: GridMetrics): number {
  // About one day header per six photos is typical of phone libraries.
  const dayHeaders = Math.ceil(count / 6) * (metrics.dayHeader + metrics.spacing * 4);
  return metrics.monthHeader + estimateHeight(count, metrics) * 1.1 + dayHeaders + metrics.monthGap;
}

/** Index of the first item whose [top, top+height) reaches `y`, by binary search over sorted tops. */
export function firstVisible(tops: readonly number[], heights: readonly number[], y: number): number {
  let lo = 0;
  let hi = tops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid] + heights[mid] <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Indexes of boxes that intersect [from, to) vertically (boxes are sorted by top). */
export function visibleBoxes(boxes: readonly Box[], from: number, to: number): [number, number] {
  let lo = 0;
  let hi = boxes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boxes[mid].top + boxes[mid].height <= from) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < boxes.length && boxes[end].top < to) end++;
  return [lo, end];
}

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

export function monthTitle(bucket: string): string {
  const time = Date.parse(`${bucket.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(time) ? bucket : monthFormat.format(time);
}

export function dayTitle(day: string): string {
  const time = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(time) ? day : dayFormat.format(time);
}
