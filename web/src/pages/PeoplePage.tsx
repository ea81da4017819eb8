/** People: face thumbnails with names; rename, hide or show, merge several into one. */
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { PersonFace } from '../components/PersonFace';
import type { PeopleResponse, Person } from '../api/types';
import { errorMessage } from '../lib/format';

export function PeoplePage() {
  const [people, setPeople] = useState<Person[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showHidden, setShowHidden] = useState(false);
  const [merging, setMerging] = useState<Set<string> | null>(null);

  const load = useCallback(() => {
    api.get<PeopleResponse>('/people?withHidden=true').then(
      (r) => setPeople(r.people),
      (err: Error) => (setError(err.message), setPeople([])),
    );
  }, []);
  useEffect(load, [load]);

  const update = async (person: Person, change: Partial<Person>) => {
    try {
      await api.put(`/people/${person.id}`, change);
      setPeople((list) => list?.map((p) => (p.id === person.id ? { ...p, ...change } : p)) ?? null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const merge = async (ids: string[]) => {
    const [target, ...others] = ids;
    try {
      await api.post(`/people/${target}/merge`, { ids: others });
      setMerging(null);
      load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const visible = (people ?? []).filter((p) => showHidden || !p.isHidden);
  return (
    <div className="scroll-page">
      <div className="page-header">
        <h1 className="page-title">People</h1>
        <span className="spacer" />
        <label className="inline">
          <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} /> Show hidden
        </label>
        {merging ? (
          <>
            <button type="button" disabled={merging.size < 2} onClick={() => void merge([...merging])}>
              Merge {merging.size} into the first
            </button>
            <button type="button" onClick={() => setMerging(null)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setMerging(new Set())} disabled={visible.length < 2}>
            Merge people
          </button>
        )}
      </div>
      {error && <p className="error">{error}</p>}
      {people && visible.length === 0 && !error && (
        <p className="empty-hint">Nobody yet: faces appear here once photos with people have been processed.</p>
      )}
      <ul className="people-grid">
        {visible.map((person) => (
          <li key={person.id} className={person.isHidden ? 'hidden-person' : undefined}>
            {merging ? (
              <label className="merge-pick">
                <input
                  type="checkbox"
                  checked={merging.has(person.id)}
                  onChange={() =>
                    setMerging((m) => {
                      const next = new Set(m);
                      if (next.has(person.id)) next.delete(person.id);
                      else next.add(person.id);
                      return next;
                    })
                  }
                />
                <PersonFace person={person} alt={person.name || 'Unnamed person'} />
              </label>
            ) : (
              <Link to={`/people/${person.id}`} aria-label={person.name || 'Unnamed person'}>
                <PersonFace person={person} />
              </Link>
            )}
            <input
              className="person-name"
              aria-label="Name"
              placeholder="Add a name"
              defaultValue={person.name}
              onBlur={(e) => e.target.value !== person.name && void update(person, { name: e.target.value })}
              onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
            />
            <button type="button" className="link" onClick={() => void update(person, { isHidden: !person.isHidden })}>
              {person.isHidden ? 'Show' : 'Hide'}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
