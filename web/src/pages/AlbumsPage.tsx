/** Albums: covers with names and counts, and a button to create one. */
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, media } from '../api/client';
import type { Album } from '../api/types';
import { sharingLabel } from '../lib/albumRoles';
import { errorMessage } from '../lib/format';
import { useAuth } from '../state/auth';

export function AlbumsPage() {
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const navigate = useNavigate();
  const { user } = useAuth();

  useEffect(() => {
    api.get<Album[]>('/albums').then(setAlbums, (err: Error) => (setError(err.message), setAlbums([])));
  }, []);

  const create = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      const album = await api.post<Album>('/albums', { albumName: name.trim() });
      navigate(`/albums/${album.id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="scroll-page">
      <div className="page-header">
        <h1 className="page-title">Albums</h1>
        <span className="spacer" />
        <form className="row" onSubmit={create}>
          <input aria-label="Album name" placeholder="New album name" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" disabled={!name.trim()}>
            Create album
          </button>
        </form>
      </div>
      {error && <p className="error">{error}</p>}
      {albums && albums.length === 0 && !error && <p className="empty-hint">No albums yet.</p>}
      <ul className="album-grid">
        {albums?.map((album) => (
          <li key={album.id}>
            <Link to={`/albums/${album.id}`}>
              <div className="album-cover">
                {album.albumThumbnailAssetId && <img src={media.thumbnail(album.albumThumbnailAssetId)} alt="" />}
              </div>
              <strong>{album.albumName}</strong>
              <small>{album.assetCount} items</small>
              {sharingLabel(album, user?.id) && <small className="sharing-label">{sharingLabel(album, user?.id)}</small>}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
