/** What can be done to selected assets, as API calls in Immich's shapes. */
import { api, media } from '../api/client';

export type Action =
  | 'favorite'
  | 'unfavorite'
  | 'archive'
  | 'unarchive'
  | 'trash'
  | 'restore'
  | 'deleteForever'
  | 'album'
  | 'removeFromAlbum'
  | 'download';

export const actionLabels: Record<Action, string> = {
  favorite: 'Favorite',
  unfavorite: 'Unfavorite',
  archive: 'Archive',
  unarchive: 'Unarchive',
  trash: 'Move to trash',
  restore: 'Restore',
  deleteForever: 'Delete permanently',
  album: 'Add to album',
  removeFromAlbum: 'Remove from album',
  download: 'Download',
};

export async function runAction(action: Action, ids: string[], albumId?: string): Promise<void> {
  switch (action) {
    case 'favorite':
    case 'unfavorite':
      return api.put('/assets', { ids, isFavorite: action === 'favorite' });
    case 'archive':
    case 'unarchive':
      return api.put('/assets', { ids, visibility: action === 'archive' ? 'archive' : 'timeline' });
    case 'trash':
      return api.del('/assets', { ids, force: false });
    case 'deleteForever':
      return api.del('/assets', { ids, force: true });
    case 'restore':
      return api.post('/trash/restore/assets', { ids });
    case 'removeFromAlbum':
      return api.del(`/albums/${albumId}/assets`, { ids });
    case 'album':
      return api.put(`/albums/${albumId}/assets`, { ids });
    case 'download':
      return download(ids);
  }
}

/** Downloads originals one by one through plain links (the browser asks once for many files). */
export async function download(ids: string[]) {
  for (const id of ids) {
    const link = document.createElement('a');
    link.href = media.original(id);
    link.download = '';
    document.body.append(link);
    link.click();
    link.remove();
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
