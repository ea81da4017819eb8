/** What a shared link opens, without an account: the album's photos, read-only. */
import { useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, setShareKey } from '../api/client';
import { timelineSource } from '../api/sources';
import type { Album } from '../api/types';
import { Timeline } from '../components/Timeline';
import { downloadArchives } from '../lib/actions';
import { errorMessage } from '../lib/format';

interface SharedLink {
  description: string | null;
  allowDownload: boolean;
  album: Album;
}

export function SharedAlbumPage() {
  const { key = '' } = useParams();
  const [link, setLink] = useState<SharedLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Set during the first render, before the grid's own effects make their first requests
  // (children's effects run before ours); the effect keeps it set across remounts.
  useMemo(() => setShareKey(key), [key]);
  useEffect(() => {
    setShareKey(key);
    return () => setShareKey(null);
  }, [key]);
  const source = useMemo(() => timelineSource({}), []);

  useEffect(() => {
    api.get<SharedLink>('/shared-links/me').then(setLink, (err) => setError(errorMessage(err)));
  }, [key]);

  if (error) {
    return (
      <div className="splash">
        <p className="error" role="alert">
          {error}
        </p>
      </div>
    );
  }
  const owner = link?.album.albumUsers?.find((user) => user.role === 'owner')?.user.name;
  return (
    <div className="shared-page">
      <Timeline
        source={source}
        actions={[]}
        header={
          <div className="page-header">
            <h1 className="page-title">{link?.album.albumName ?? ''}</h1>
            {owner && <small className="sharing-label">Shared by {owner}</small>}
            {link?.description && <p>{link.description}</p>}
            <span className="spacer" />
            {link?.allowDownload && link.album.assetCount > 0 && (
              <button type="button" onClick={() => void downloadArchives({}).catch((err) => setError(errorMessage(err)))}>
                Download all
              </button>
            )}
          </div>
        }
        empty={<p className="empty-hint">This album is empty.</p>}
      />
    </div>
  );
}
