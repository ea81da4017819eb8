/** Tags: the user's tree of tags beside the photos of the chosen one (its own and those of every
 *  tag below it, as the server's tagId filter gives them); tags are made from paths and deleted
 *  here, put on photos from any selection. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { NavLink, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { timelineSource } from '../api/sources';
import type { Tag } from '../api/types';
import { Timeline } from '../components/Timeline';
import type { Action } from '../lib/actions';
import { errorMessage } from '../lib/format';
import { flatten, normalizePath, tagTree } from '../lib/tags';

const actions: Action[] = ['untag', 'tag', 'favorite', 'album', 'download', 'archive', 'trash'];

export function TagsPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const [tags, setTags] = useState<Tag[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState('');
  const current = tags?.find((tag) => tag.id === id) ?? null;
  const rows = useMemo(() => flatten(tagTree(tags ?? [])), [tags]);
  const source = useMemo(() => (id ? timelineSource({ tagId: id }) : null), [id]);

  const load = useCallback(() => api.get<Tag[]>('/tags').then(setTags, (err: Error) => setError(err.message)), []);
  useEffect(() => void load(), [load]);

  const create = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      const [tag] = await api.put<Tag[]>('/tags', { tags: [normalizePath(path)] });
      setPath('');
      await load();
      navigate(`/tags/${tag.id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const remove = async () => {
    if (!current || !confirm(`Delete the tag “${current.value}” and the tags below it? The photos stay.`)) return;
    try {
      await api.del(`/tags/${current.id}`);
      await load();
      navigate('/tags');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="tags-page">
      <nav className="tag-tree" aria-label="Tag tree">
        <h1 className="page-title">Tags</h1>
        <form className="row" onSubmit={create}>
          <input aria-label="New tag" placeholder="e.g. Trips/2024/Rome" value={path} onChange={(e) => setPath(e.target.value)} />
          <button type="submit" disabled={!normalizePath(path)}>
            Add
          </button>
        </form>
        {error && <p className="error">{error}</p>}
        {tags && tags.length === 0 && <p className="note">No tags yet: select photos and choose “Tag”.</p>}
        <ul>
          {rows.map(({ tag, depth }) => (
            <li key={tag.id} style={{ paddingLeft: depth * 14 }}>
              <NavLink to={`/tags/${tag.id}`} title={tag.value}>
                {tag.color && <span className="tag-dot" style={{ background: tag.color }} />}
                {tag.name}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <section className="tag-photos" aria-label="Tagged photos">
        {source ? (
          <Timeline
            key={id}
            source={source}
            actions={actions}
            tagId={id}
            leaves={(action) => action === 'untag' || action === 'trash' || action === 'archive'}
            header={
              <div className="page-header">
                <h2 className="page-title">{current?.value ?? ''}</h2>
                <span className="spacer" />
                {current && (
                  <button type="button" className="danger" onClick={() => void remove()}>
                    Delete tag
                  </button>
                )}
              </div>
            }
            empty={<p className="empty-hint">No photos with this tag yet.</p>}
          />
        ) : (
          <p className="empty-hint">Choose a tag to see its photos.</p>
        )}
      </section>
    </div>
  );
}
