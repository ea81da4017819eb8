/** Asset sources for the grid, backed by the server's timeline buckets (Immich's query parameters). */
import { api, request } from './client';
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

/** The locked folder's timeline. A 401 here means the unlock ran out, not that the user is
 *  signed out, so it is left to the page instead of ending the session. */
export function lockedSource(): AssetSource {
  const params = { visibility: 'locked' };
  return {
    buckets: () => request<BucketSummary[]>('GET', `/timeline/buckets?${query(params)}`, undefined, true),
    bucket: async (timeBucket) =>
      assetsFromColumns(
        await request<BucketColumns>('GET', `/timeline/bucket?${query(params, { timeBucket })}`, undefined, true),
      ),
  };
}
