/** Favorites and Archive: the timeline with one filter. */
import { useMemo } from 'react';
import { timelineSource } from '../api/sources';
import { Timeline } from '../components/Timeline';
import type { Action } from '../lib/actions';

export function FavoritesPage() {
  const source = useMemo(() => timelineSource({ isFavorite: true }), []);
  const actions: Action[] = ['unfavorite', 'album', 'tag', 'download', 'archive', 'trash'];
  return (
    <Timeline
      source={source}
      actions={actions}
      live
      leaves={(action) => action === 'unfavorite'}
      header={<h1 className="page-title">Favorites</h1>}
      empty={<p className="empty-hint">Press ♡ or f in the viewer to keep your best photos here.</p>}
    />
  );
}

export function ArchivePage() {
  const source = useMemo(() => timelineSource({ visibility: 'archive' }), []);
  const actions: Action[] = ['unarchive', 'favorite', 'tag', 'download', 'trash'];
  return (
    <Timeline
      source={source}
      actions={actions}
      leaves={(action) => action === 'unarchive'}
      header={<h1 className="page-title">Archive</h1>}
      empty={<p className="empty-hint">Archived photos stay out of the timeline but remain searchable.</p>}
    />
  );
}
