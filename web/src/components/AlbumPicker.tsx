/** A dialog to choose an album, or create one, for "Add to album". */
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Album } from '../api/types';
import { Dialog } from './Dialog';
import { errorMessage } from '../lib/format';

export function AlbumPicker({ onPick, onCancel }: { onPick(albumId: string): void; onCancel(): void }) {
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');

  useEffect(() => {
    api.get<Album[]>('/albums').then(setAlbums, (err: Error) => setError(err.message));
  }, []);

  const create = async () => {
    try {
      const album = await api.post<Album>('/albums', { albumName: name.trim() });
      onPick(album.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Dialog title="Add to album" onClose={onCancel}>
      {error && <p className="error">{error}</p>}
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) void create();
        }}
      >
        <input aria-label="New album name" placeholder="New album" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={!name.trim()}>
          Create
        </button>
      </form>
      <ul className="picker-list">
        {albums?.map((album) => (
          <li key={album.id}>
            <button type="button" onClick={() => onPick(album.id)}>
              {album.albumName} <small>({album.assetCount})</small>
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
