/** "On this day": a row of earlier years' photos taken on today's date, above the timeline. */
import { useEffect, useMemo, useState } from 'react';
import { api, media } from '../api/client';
import { toTimelineAsset } from '../api/convert';
import type { Asset } from '../api/types';
import { localToday, yearsAgo } from '../lib/memories';
import { placeholderUrl } from '../lib/thumbhash';
import { Viewer } from './Viewer';

interface Memory {
  id: string;
  data: { year: number };
  assets: Asset[];
}

export function MemoryLane() {
  const [memories, setMemories] = useState<Memory[]>([]);
  const [open, setOpen] = useState<{ memory: number; assetId: string } | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Memories are a treat, not a feature to fail loudly on: no lane when they cannot load.
    api.get<Memory[]>(`/memories?for=${localToday()}`).then(
      (found) => !cancelled && setMemories(found.filter((memory) => memory.assets.length > 0)),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const viewing = open ? memories[open.memory] : null;
  const assets = useMemo(() => viewing?.assets.map(toTimelineAsset) ?? [], [viewing]);
  if (memories.length === 0) return null;

  return (
    <section className="memory-lane" aria-label="On this day">
      {memories.map((memory, index) => {
        const cover = memory.assets[0];
        const placeholder = placeholderUrl(cover.thumbhash);
        return (
          <button
            key={memory.id}
            type="button"
            className="memory-card"
            style={{ backgroundImage: placeholder ? `url(${placeholder})` : undefined }}
            aria-label={`${yearsAgo(memory.data.year)}: ${memory.assets.length} ${memory.assets.length === 1 ? 'photo' : 'photos'}`}
            onClick={() => setOpen({ memory: index, assetId: cover.id })}
          >
            {/* Hidden until it loads: a photo still being processed shows its thumbhash, not a broken image. */}
            <img
              src={media.thumbnail(cover.id)}
              alt=""
              loading="lazy"
              onLoad={(event) => event.currentTarget.classList.add('loaded')}
            />
            <span>{yearsAgo(memory.data.year)}</span>
          </button>
        );
      })}
      {open && viewing && (
        <Viewer
          assets={assets}
          index={Math.max(0, assets.findIndex((asset) => asset.id === open.assetId))}
          onShow={(assetId) => setOpen({ ...open, assetId })}
          onClose={() => setOpen(null)}
          onApplied={() => {}}
        />
      )}
    </section>
  );
}
