/** The main timeline: every photo and video not archived or trashed (and partners' the user
 *  shows in it), under "on this day". */
import { useMemo } from 'react';
import { timelineSource } from '../api/sources';
import { MemoryLane } from '../components/MemoryLane';
import { Timeline } from '../components/Timeline';
import type { Action } from '../lib/actions';

const actions: Action[] = ['favorite', 'album', 'tag', 'download', 'stack', 'archive', 'lock', 'trash'];

export function PhotosPage() {
  const source = useMemo(() => timelineSource({ visibility: 'timeline', withPartners: true, withStacked: true }), []);
  return (
    <Timeline
      source={source}
      actions={actions}
      live
      header={<MemoryLane />}
      leaves={(action) => action === 'archive' || action === 'lock'}
      empty={
        <div className="empty-hint">
          <h2>No photos yet</h2>
          <p>Drop photos and videos anywhere on this page, or use Upload.</p>
        </div>
      }
    />
  );
}
