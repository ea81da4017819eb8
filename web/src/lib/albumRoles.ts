/** What a user may do in an album, from its `albumUsers` (Immich's roles). */
import type { Action } from './actions';
import type { Album, AlbumUser } from '../api/types';

export type AlbumRole = AlbumUser['role'];

export function roleIn(album: Album | null, userId: string | undefined): AlbumRole | null {
  if (!album || !userId) return null;
  return album.albumUsers?.find((member) => member.user.id === userId)?.role ?? null;
}

/** Selection actions on an album's photos: members cannot favorite or trash others' photos. */
export function albumActions(role: AlbumRole | null): Action[] {
  switch (role) {
    case 'owner':
      return ['favorite', 'tag', 'download', 'removeFromAlbum', 'trash'];
    case 'editor':
      return ['download', 'removeFromAlbum'];
    default:
      return ['download'];
  }
}

/** "Shared with Ann and Bob" for the owner, "Shared by Ann" for a member, else null. */
export function sharingLabel(album: Album, userId: string | undefined): string | null {
  const users = album.albumUsers ?? [];
  const owner = users.find((member) => member.role === 'owner');
  if (owner && owner.user.id !== userId) return `Shared by ${owner.user.name}`;
  const members = users.filter((member) => member.role !== 'owner').map((member) => member.user.name);
  if (members.length === 0) return null;
  if (members.length <= 2) return `Shared with ${members.join(' and ')}`;
  return `Shared with ${members[0]} and ${members.length - 1} others`;
}
