/** Builds timeline assets for unit tests. */
import type { TimelineAsset } from './timeline';

export function asset(id: string, local: string, ratio = 1.5): TimelineAsset {
  return {
    id,
    isImage: true,
    isFavorite: false,
    isTrashed: false,
    visibility: 'timeline',
    localDateTime: local,
    duration: null,
    thumbhash: null,
    ratio,
    city: null,
    country: null,
  };
}
