/**
 * Search: one box for smart (CLIP) search plus filters (words in the photo, dates, place, camera,
 * people, type).
 * Results use the same grid. Without a query the filters alone run a metadata search.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, isMissing } from '../api/client';
import { PersonFace } from '../components/PersonFace';
import { toTimelineAsset } from '../api/convert';
import type { PeopleResponse, Person, SearchResponse } from '../api/types';
import { Timeline } from '../components/Timeline';
import { staticSource } from '../lib/timelineStore';
import { searchBody, type SearchFilters } from '../lib/search';
import type { Action } from '../lib/actions';
import { errorMessage } from '../lib/format';

const actions: Action[] = ['favorite', 'album', 'download', 'archive', 'trash'];

function useSuggestions(type: string, extra = ''): string[] {
  const [values, setValues] = useState<string[]>([]);
  useEffect(() => {
    api.get<string[]>(`/search/suggestions?type=${type}${extra}`).then(setValues, () => setValues([]));
  }, [type, extra]);
  return values;
}

/** Scenes and things the server can label (`GET /search/labels`), completing what is typed. */
function useLabelCompletions(query: string | undefined): string[] {
  const [labels, setLabels] = useState<string[]>([]);
  const typed = query?.trim() ?? '';
  useEffect(() => {
    if (!typed) {
      setLabels([]);
      return;
    }
    let cancelled = false;
    api.get<string[]>(`/search/labels?query=${encodeURIComponent(typed)}`).then(
      (found) => !cancelled && setLabels(found),
      () => !cancelled && setLabels([]),
    );
    return () => {
      cancelled = true;
    };
  }, [typed]);
  return labels;
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const filters: SearchFilters = Object.fromEntries(params.entries());
  const [draft, setDraft] = useState<SearchFilters>(filters);
  const [results, setResults] = useState<ReturnType<typeof toTimelineAsset>[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const countries = useSuggestions('country');
  const cities = useSuggestions('city', draft.country ? `&country=${encodeURIComponent(draft.country)}` : '');
  const makes = useSuggestions('camera-make');
  const completions = useLabelCompletions(draft.q);
  const key = params.toString();

  useEffect(() => setDraft(Object.fromEntries(new URLSearchParams(key).entries())), [key]);

  useEffect(() => {
    api.get<PeopleResponse>('/people').then((r) => setPeople(r.people.filter((p) => !p.isHidden)), () => setPeople([]));
  }, []);

  useEffect(() => {
    const current: SearchFilters = Object.fromEntries(new URLSearchParams(key).entries());
    if (!Object.values(current).some(Boolean)) {
      setResults(null);
      return;
    }
    let cancelled = false;
    setError(null);
    setNote(null);
    const run = async () => {
      const { smart, body } = searchBody(current);
      try {
        return await api.post<SearchResponse>(smart ? '/search/smart' : '/search/metadata', body);
      } catch (err) {
        if (!smart) throw err;
        // No smart search here (older server, or no CLIP model): fall back to matching file names.
        setNote(
          isMissing(err)
            ? 'Smart search is not available on this server; matching file names instead.'
            : `Smart search failed (${errorMessage(err)}); matching file names instead.`,
        );
        const { body: fallback } = searchBody({ ...current, q: undefined, fileName: current.q });
        return api.post<SearchResponse>('/search/metadata', fallback);
      }
    };
    run().then(
      (response) => !cancelled && setResults(response.assets.items.map(toTimelineAsset)),
      (err: Error) => !cancelled && (setError(err.message), setResults([])),
    );
    return () => {
      cancelled = true;
    };
  }, [key]);

  const source = useMemo(() => (results ? staticSource(results, true) : null), [results]);
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(draft)) if (value) next.set(name, value);
    setParams(next);
  };
  const set = (name: keyof SearchFilters) => (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setDraft((d) => ({ ...d, [name]: event.target.value }));

  const form = (
    <form className="search-form" onSubmit={submit} aria-label="Search">
      <input type="search" aria-label="Search" placeholder="Search for things, places, people…" value={draft.q ?? ''} onChange={set('q')} list="search-labels" />
      <datalist id="search-labels">
        {completions.map((label) => (
          <option key={label} value={label} />
        ))}
      </datalist>
      <details className="filters" open={Object.keys(draft).some((k) => k !== 'q' && draft[k as keyof SearchFilters])}>
        <summary>Filters</summary>
        <div className="filter-grid">
          <label>
            Words in photo <input type="search" placeholder="Text on signs, receipts…" value={draft.text ?? ''} onChange={set('text')} />
          </label>
          <label>
            From <input type="date" value={draft.from ?? ''} onChange={set('from')} />
          </label>
          <label>
            To <input type="date" value={draft.to ?? ''} onChange={set('to')} />
          </label>
          <label>
            Country
            <select value={draft.country ?? ''} onChange={set('country')}>
              <option value="">Any</option>
              {countries.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            City
            <select value={draft.city ?? ''} onChange={set('city')}>
              <option value="">Any</option>
              {cities.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            Camera
            <select value={draft.make ?? ''} onChange={set('make')}>
              <option value="">Any</option>
              {makes.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            Person
            <select value={draft.person ?? ''} onChange={set('person')}>
              <option value="">Anyone</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name || 'Unnamed'}
                </option>
              ))}
            </select>
          </label>
          <label>
            Type
            <select value={draft.type ?? ''} onChange={set('type')}>
              <option value="">All</option>
              <option value="IMAGE">Photos</option>
              <option value="VIDEO">Videos</option>
            </select>
          </label>
        </div>
      </details>
      <button type="submit">Search</button>
    </form>
  );

  if (!source) {
    return (
      <div className="scroll-page">
        {form}
        {people.length > 0 && (
          <section>
            <h2>People</h2>
            <ul className="face-row">
              {people.slice(0, 12).map((p) => (
                <li key={p.id}>
                  <Link to={`/people/${p.id}`}>
                    <PersonFace person={p} />
                    <span>{p.name || 'Unnamed'}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        )}
        {countries.length > 0 && (
          <section>
            <h2>Places</h2>
            <p className="chips">
              {countries.map((c) => (
                <Link key={c} to={`/search?country=${encodeURIComponent(c)}`} className="chip">
                  {c}
                </Link>
              ))}
            </p>
          </section>
        )}
      </div>
    );
  }

  return (
    <Timeline
      key={key}
      source={source}
      flat
      actions={actions}
      leaves={(action) => action === 'trash' || action === 'archive'}
      header={
        <div className="search-header">
          {form}
          {note && <p className="note">{note}</p>}
          {error && <p className="error">{error}</p>}
          <p className="result-count" aria-live="polite">
            {results?.length ?? 0} results
          </p>
        </div>
      }
      empty={<p className="empty-hint">Nothing found.</p>}
    />
  );
}
