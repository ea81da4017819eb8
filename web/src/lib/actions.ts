/** What can be done to selected assets, as API calls in Immich's shapes. */
import { api, errorFrom, media, withKey } from '../api/client';

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
  | 'tag'
  | 'untag'
  | 'download'
  | 'stack'
  | 'lock'
  | 'unlock';

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
  tag: 'Tag',
  untag: 'Remove tag',
  download: 'Download',
  stack: 'Stack',
  lock: 'Move to locked folder',
  unlock: 'Move out of locked folder',
};

/** `target` is the album of album actions, the tag of tag actions. */
export async function runAction(action: Action, ids: string[], target?: string): Promise<void> {
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
      return api.del(`/albums/${target}/assets`, { ids });
    case 'album':
      return api.put(`/albums/${target}/assets`, { ids });
    case 'tag':
      return bulkOutcome(await api.put<BulkIdResult[]>(`/tags/${target}/assets`, { ids }), 'duplicate');
    case 'untag':
      return bulkOutcome(await api.del<BulkIdResult[]>(`/tags/${target}/assets`, { ids }), 'not_found');
    case 'download':
      return download(ids);
    case 'stack':
      // The first selected leads the stack.
      await api.post('/stacks', { assetIds: ids });
      return;
    case 'lock':
    case 'unlock':
      return api.put('/assets', { ids, visibility: action === 'lock' ? 'locked' : 'timeline' });
  }
}

/** Immich's `BulkIdResponseDto`. */
interface BulkIdResult {
  id: string;
  success: boolean;
  error?: string;
}

/** Fails when some ids were refused for another reason than `harmless` (e.g. already tagged). */
function bulkOutcome(results: BulkIdResult[], harmless: string) {
  const refused = results.filter((r) => !r.success && r.error !== harmless);
  if (refused.length > 0) throw new Error(`${refused.length} of ${results.length} could not be changed (${refused[0].error})`);
}

/** One file: its original through a plain link. More: zip archives planned by the server
 *  (at most 4 GiB each, as in Immich), fetched one after another. */
export async function download(ids: string[]) {
  if (ids.length === 1) {
    save(media.original(ids[0]), '');
    return;
  }
  await downloadArchives({ assetIds: ids });
}

/** Fetches the zip archives the server plans for `what` (Immich's `DownloadInfoDto`: asset ids,
 *  an album, or on a shared link's page nothing at all), one after another. */
export async function downloadArchives(what: { assetIds?: string[]; albumId?: string }) {
  const plan = await api.post<DownloadInfo>('/download/info', what);
  for (const archive of plan.archives) {
    const response = await fetch(withKey('/api/download/archive'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assetIds: archive.assetIds }),
    });
    if (!response.ok) throw await errorFrom(response);
    const url = URL.createObjectURL(await response.blob());
    save(url, archiveName(response.headers.get('content-disposition')));
    // The browser has taken the blob once the click is handled.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

interface DownloadInfo {
  totalSize: number;
  archives: { size: number; assetIds: string[] }[];
}

/** The file name from `attachment; filename="…"`, or a default. */
export function archiveName(disposition: string | null): string {
  const match = disposition?.match(/filename="([^"]+)"/);
  return match ? match[1] : 'shoebox.zip';
}

function save(href: string, name: string) {
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}
