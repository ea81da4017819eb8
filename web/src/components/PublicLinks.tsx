/** The public links to an album: make one to send to family without an account, copy it, or
 *  end it. */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { useChange } from '../state/change';

interface Link {
  id: string;
  key: string;
  allowDownload: boolean;
}

export function shareUrl(key: string): string {
  return `${location.origin}/share/${key}`;
}

export function PublicLinks({ albumId }: { albumId: string }) {
  const [links, setLinks] = useState<Link[]>([]);

  const load = useCallback(
    async () => setLinks(await api.get<Link[]>(`/shared-links?albumId=${albumId}`)),
    [albumId],
  );
  const { error, run, refresh } = useChange(load);
  useEffect(() => void refresh(), [refresh]);

  return (
    <section aria-label="Public links">
      <h3>Public link</h3>
      <p className="empty-hint">Anyone with the link can see this album’s photos, without an account.</p>
      <ul className="member-list">
        {links.map((link) => (
          <li key={link.id} className="link-row">
            <input readOnly aria-label="Link" value={shareUrl(link.key)} onFocus={(e) => e.target.select()} />
            <button type="button" onClick={() => void navigator.clipboard?.writeText(shareUrl(link.key))}>
              Copy
            </button>
            <button type="button" onClick={() => void run(() => api.del(`/shared-links/${link.id}`))}>
              Delete link
            </button>
          </li>
        ))}
      </ul>
      {links.length === 0 && (
        <button type="button" onClick={() => void run(() => api.post('/shared-links', { type: 'ALBUM', albumId }))}>
          Create a link
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
