/** One album: its photos (the timeline filtered by albumId); its owner renames, shares and
 *  deletes it, members see what they may do and can leave; everyone in it likes and comments in
 *  the activity panel. */
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { timelineSource } from '../api/sources';
import type { Album } from '../api/types';
import { Timeline } from '../components/Timeline';
import { Icon } from '../components/Icon';
import { ShareDialog } from '../components/ShareDialog';
import { ActivityPanel } from '../components/ActivityPanel';
import { albumActions, roleIn, sharingLabel } from '../lib/albumRoles';
import { errorMessage } from '../lib/format';
import { useAuth } from '../state/auth';

export function AlbumPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [album, setAlbum] = useState<Album | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sharing, setSharing] = useState(false);
  const [showActivity, setShowActivity] = useState(false);
  const { user } = useAuth();
  const role = roleIn(album, user?.id);
  const isOwner = role === 'owner';
  const actions = useMemo(() => albumActions(role), [role]);
  const source = useMemo(() => timelineSource({ albumId: id }), [id]);

  useEffect(() => {
    api.get<Album>(`/albums/${id}?withoutAssets=true`).then(setAlbum, (err: Error) => setError(err.message));
  }, [id]);

  const rename = async (albumName: string) => {
    try {
      setAlbum(await api.patch<Album>(`/albums/${id}`, { albumName }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const remove = async () => {
    if (!confirm('Delete this album? Its photos stay in your library.')) return;
    try {
      await api.del(`/albums/${id}`);
      navigate('/albums');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const leave = async () => {
    if (!confirm('Leave this album? You will no longer see its photos.')) return;
    try {
      await api.del(`/albums/${id}/user/me`);
      navigate('/albums');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const label = album && sharingLabel(album, user?.id);

  return (
    <div className="album-page">
      <Timeline
        key={id}
        source={source}
        actions={actions}
        albumId={id}
        leaves={(action) => action === 'removeFromAlbum' || action === 'trash'}
        header={
          <div className="page-header">
            <Link to="/albums" className="button icon" aria-label="Back to albums">
              <Icon name="back" />
            </Link>
            <input
              key={album?.albumName}
              className="person-title"
              aria-label="Album name"
              defaultValue={album?.albumName ?? ''}
              readOnly={!isOwner}
              onBlur={(e) => album && e.target.value.trim() && e.target.value !== album.albumName && void rename(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
            />
            {label && <small className="sharing-label">{label}</small>}
            <span className="spacer" />
            {role && (
              <button type="button" aria-pressed={showActivity} onClick={() => setShowActivity((shown) => !shown)}>
                <Icon name="comment" /> Activity
              </button>
            )}
            {isOwner && (
              <>
                <button type="button" onClick={() => setSharing(true)}>
                  Share
                </button>
                <button type="button" className="danger" onClick={() => void remove()}>
                  Delete album
                </button>
              </>
            )}
            {role && !isOwner && (
              <button type="button" onClick={() => void leave()}>
                Leave album
              </button>
            )}
            {error && <p className="error">{error}</p>}
          </div>
        }
        empty={<p className="empty-hint">This album is empty: select photos in the timeline and choose “Add to album”.</p>}
      />
      {showActivity && album && user && (
        <ActivityPanel
          album={album}
          userId={user.id}
          isOwner={isOwner}
          onAlbumChange={setAlbum}
          onClose={() => setShowActivity(false)}
        />
      )}
      {sharing && album && <ShareDialog album={album} onChange={setAlbum} onClose={() => setSharing(false)} />}
    </div>
  );
}
