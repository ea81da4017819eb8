import { describe, expect, it } from 'vitest';
import type { Album, AlbumUser } from '../api/types';
import { albumActions, roleIn, sharingLabel } from './albumRoles';

const member = (id: string, role: AlbumUser['role']): AlbumUser => ({ role, user: { id, email: `${id}@x`, name: id } });
const album = (...albumUsers: AlbumUser[]): Album => ({ id: 'a', albumName: 'Trip', assetCount: 0, albumThumbnailAssetId: null, albumUsers });

describe('album roles', () => {
  const shared = album(member('ann', 'owner'), member('bob', 'editor'), member('cy', 'viewer'));

  it('finds the signed-in user’s role', () => {
    expect(roleIn(shared, 'ann')).toBe('owner');
    expect(roleIn(shared, 'cy')).toBe('viewer');
    expect(roleIn(shared, 'zed')).toBeNull();
    expect(roleIn(null, 'ann')).toBeNull();
  });

  it('offers members only what they may do', () => {
    expect(albumActions('owner')).toContain('trash');
    expect(albumActions('editor')).toEqual(['download', 'removeFromAlbum']);
    expect(albumActions('viewer')).toEqual(['download']);
  });

  it('says who shares with whom', () => {
    expect(sharingLabel(shared, 'ann')).toBe('Shared with bob and cy');
    expect(sharingLabel(shared, 'bob')).toBe('Shared by ann');
    expect(sharingLabel(album(member('ann', 'owner')), 'ann')).toBeNull();
    const many = album(member('ann', 'owner'), member('b', 'viewer'), member('c', 'viewer'), member('d', 'editor'));
    expect(sharingLabel(many, 'ann')).toBe('Shared with b and 2 others');
  });
});
