/** Trash: restore some or all, delete permanently, empty. */
import { useMemo, useState } from 'react';
import { api } from '../api/client';
import { timelineSource } from '../api/sources';
import { Timeline } from '../components/Timeline';
import type { Action } from '../lib/actions';
import { errorMessage } from '../lib/format';

const actions: Action[] = ['restore', 'deleteForever'];

export function TrashPage() {
  const [generation, setGeneration] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // A new source after "restore all" or "empty" reloads the grid.
  const source = useMemo(() => (void generation, timelineSource({ isTrashed: true })), [generation]);

  const run = async (path: string, question: string) => {
    if (!confirm(question)) return;
    try {
      await api.post(path);
      setGeneration((g) => g + 1);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Timeline
      key={generation}
      source={source}
      actions={actions}
      leaves={(action) => action === 'restore' || action === 'deleteForever'}
      header={
        <div className="page-header">
          <h1 className="page-title">Trash</h1>
          <span className="spacer" />
          <button type="button" onClick={() => void run('/trash/restore', 'Restore everything in the trash?')}>
            Restore all
          </button>
          <button type="button" className="danger" onClick={() => void run('/trash/empty', 'Delete everything in the trash permanently?')}>
            Empty trash
          </button>
          {error && <p className="error">{error}</p>}
        </div>
      }
      empty={<p className="empty-hint">The trash is empty.</p>}
    />
  );
}
