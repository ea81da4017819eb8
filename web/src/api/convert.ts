/** Converts full asset responses (search, people, albums) into the grid's timeline assets. */
import type { TimelineAsset } from '../lib/timeline';
import { parseDuration } from '../lib/timeline';
import type { Asset } from './types';

export function toTimelineAsset(asset: Asset): TimelineAsset {
  const exif = asset.exifInfo;
  let width = asset.width ?? exif?.exifImageWidth ?? null;
  let height = asset.height ?? exif?.exifImageHeight ?? null;
  if (!width || !height) [width, height] = [3, 2];
  return {
    id: asset.id,
    isImage: asset.type !== 'VIDEO',
    isFavorite: asset.isFavorite,
    isTrashed: asset.isTrashed,
    visibility: asset.visibility ?? (asset.isArchived ? 'archive' : 'timeline'),
    localDateTime: asset.localDateTime ?? asset.fileCreatedAt,
    duration: parseDuration(asset.duration ?? null),
    thumbhash: asset.thumbhash,
    ratio: width / height,
    city: exif?.city ?? null,
    country: exif?.country ?? null,
    latitude: exif?.latitude ?? null,
    longitude: exif?.longitude ?? null,
  };
}
