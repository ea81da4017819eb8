/** A dialog to choose a tag, or make one from a path like "Trips/2024/Rome", for "Tag". */
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Tag } from '../api/types';
import { flatten, normalizePath, tagTree } from '../lib/tags';
import { errorMessage } from '../lib/format';
import { Dialog } from './Dialog';

export function TagPicker({ onPick, onCancel }: { onPick(tag: Tag): void; onCancel(): void }) {
  const [tags, setTags] = useState<Tag[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState('');

  useEffect(() => {
    api.get<Tag[]>('/tags').then(setTags, (err: Error) => setError(err.message));
  }, []);

  const create = async () => {
    try {
      const [tag] = await api.put<Tag[]>('/tags', { tags: [normalizePath(path)] });
      onPick(tag);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Dialog title="Tag" onClose={onCancel}>
      {error && <p className="error">{error}</p>}
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (normalizePath(path)) void create();
        }}
      >
        <input aria-label="New tag" placeholder="New tag, e.g. Trips/2024/Rome" value={path} onChange={(e) => setPath(e.target.value)} />
        <button type="submit" disabled={!normalizePath(path)}>
          Create
        </button>
      </form>
      <ul className="picker-list" aria-label="Tags">
        {tags &&
          flatten(tagTree(tags)).map(({ tag, depth }) => (
            <li key={tag.id} style={{ paddingLeft: depth * 16 }}>
              <button type="button" title={tag.value} onClick={() => onPick(tag)}>
                {tag.color && <span className="tag-dot" style={{ background: tag.color }} />}
                {tag.name}
              </button>
            </li>
          ))}
      </ul>
    </Dialog>
  );
}
