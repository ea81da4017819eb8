/** Asset sources for the grid, backed by the server's timeline buckets (Immich's query parameters). */
import { api } from './client';
import { assetsFromColumns, type BucketColumns, type BucketSummary } from '../lib/timeline';
import type { AssetSource } from '../lib/timelineStore';

export type TimelineParams = Record<string, string | boolean | undefined>;

function query(params: TimelineParams, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams(extra);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  return search.toString();
}

export function timelineSource(params: TimelineParams): AssetSource {
  return {
    buckets: () => api.get<BucketSummary[]>(`/timeline/buckets?${query(params)}`),
    bucket: async (timeBucket) =>
      assetsFromColumns(await api.get<BucketColumns>(`/timeline/bucket?${query(params, { timeBucket })}`)),
  };
}
