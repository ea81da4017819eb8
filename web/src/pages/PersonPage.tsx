/**
 * One person's page: their name (editable), people who may be the same one (merge with a click),
 * and their photos in the grid.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { toTimelineAsset } from '../api/convert';
import { timelineSource } from '../api/sources';
import type { Person, SearchResponse } from '../api/types';
import { Timeline } from '../components/Timeline';
import { staticSource, type AssetSource } from '../lib/timelineStore';
import type { Action } from '../lib/actions';
import { Icon } from '../components/Icon';
import { PersonFace } from '../components/PersonFace';
import { errorMessage } from '../lib/format';

const actions: Action[] = ['favorite', 'album', 'tag', 'download', 'archive', 'trash'];

/** A person's photos through a metadata search; servers without it get the timeline's personId filter. */
function personSource(id: string): AssetSource {
  let whole: Promise<AssetSource> | null = null;
  const load = () =>
    (whole ??= api
      .post<SearchResponse>('/search/metadata', { personIds: [id], size: 1000, withExif: true })
      .then((r) => staticSource(r.assets.items.map(toTimelineAsset)))
      .catch(() => timelineSource({ personId: id })));
  return {
    buckets: async () => (await load()).buckets(),
    bucket: async (key) => (await load()).bucket(key),
  };
}

export function PersonPage() {
  const { id = '' } = useParams();
  const [person, setPerson] = useState<Person | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [similar, setSimilar] = useState<Person[]>([]);
  const [merged, setMerged] = useState(0);
  const navigate = useNavigate();
  const source = useMemo(() => personSource(id), [id, merged]);

  useEffect(() => {
    api.get<Person>(`/people/${id}`).then(setPerson, (err: Error) => setError(err.message));
    // Shoebox's own: other people whose faces come close to this one's.
    api.get<Person[]>(`/people/${id}/merge-suggestions`).then(setSimilar, () => setSimilar([]));
  }, [id, merged]);

  const mergeIn = async (other: Person) => {
    try {
      await api.post(`/people/${id}/merge`, { ids: [other.id] });
      setMerged((n) => n + 1);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const rename = async (name: string) => {
    try {
      setPerson(await api.put<Person>(`/people/${id}`, { name }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Timeline
      key={id}
      source={source}
      actions={actions}
      leaves={(action) => action === 'trash' || action === 'archive'}
      header={
        <div className="page-header person-header">
          <Link to="/people" className="button icon" aria-label="Back to people">
            <Icon name="back" />
          </Link>
          <PersonFace className="person-face" person={person} />
          <input
            key={person?.name}
            className="person-title"
            aria-label="Person name"
            placeholder="Add a name"
            defaultValue={person?.name ?? ''}
            onBlur={(e) => person && e.target.value !== person.name && void rename(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
          />
          {error && <p className="error">{error}</p>}
          {similar.length > 0 && (
            <section className="same-person" aria-label="Same person?">
              <span>Same person?</span>
              {similar.map((other) => (
                <span key={other.id} className="chip same-person-chip">
                  <PersonFace className="person-face small" person={other} />
                  <button type="button" className="link" onClick={() => navigate(`/people/${other.id}`)}>
                    {other.name || 'Unnamed'}
                  </button>
                  <button type="button" onClick={() => void mergeIn(other)} aria-label={`Merge ${other.name || 'this person'} into ${person?.name || 'this person'}`}>
                    Merge
                  </button>
                </span>
              ))}
            </section>
          )}
        </div>
      }
      empty={<p className="empty-hint">No photos of this person.</p>}
    />
  );
}
