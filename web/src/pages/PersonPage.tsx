/** One person's page: their name (editable) and their photos in the grid. */
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, media } from '../api/client';
import { toTimelineAsset } from '../api/convert';
import { timelineSource } from '../api/sources';
import type { Person, SearchResponse } from '../api/types';
import { Timeline } from '../components/Timeline';
import { staticSource, type AssetSource } from '../lib/timelineStore';
import type { Action } from '../lib/actions';
import { Icon } from '../components/Icon';
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
  const source = useMemo(() => personSource(id), [id]);

  useEffect(() => {
    api.get<Person>(`/people/${id}`).then(setPerson, (err: Error) => setError(err.message));
  }, [id]);

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
          <img className="person-face" src={media.person(id)} alt="" />
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
        </div>
      }
      empty={<p className="empty-hint">No photos of this person.</p>}
    />
  );
}
