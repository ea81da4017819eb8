/** The viewer's info panel: description and date (editable by the owner), camera, lens,
 *  exposure, file, place with a small map, people, and the owner's tags. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { PersonFace } from './PersonFace';
import type { Asset, PersonSummary } from '../api/types';
import { dateTimeOriginal, inputValue } from '../lib/editDate';
import type { TimelineAsset } from '../lib/timeline';
import { errorMessage, formatBytes } from '../lib/format';
import { useAuth } from '../state/auth';
import { TagPicker } from './TagPicker';
import { LabelSuggestions } from './LabelSuggestions';

const SmallMap = lazy(() => import('./SmallMap'));

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' });

/** People in the photo: from the asset when the server includes them, else from its faces. */
function usePeople(asset: Asset | null, id: string): PersonSummary[] {
  const [fromFaces, setFromFaces] = useState<PersonSummary[]>([]);
  const included = asset?.people;
  useEffect(() => {
    setFromFaces([]);
    if (included) return;
    let cancelled = false;
    api.get<{ person: PersonSummary | null }[]>(`/faces?id=${id}`).then(
      (faces) => {
        if (cancelled) return;
        const seen = new Map<string, PersonSummary>();
        for (const face of faces) if (face.person) seen.set(face.person.id, face.person);
        setFromFaces([...seen.values()]);
      },
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [id, included]);
  return included ?? fromFaces;
}

interface InfoPanelProps {
  asset: Asset | null;
  fallback: TimelineAsset;
  /** Called with the asset as the server has it after an edit. */
  onChange(asset: Asset): void;
}

export function InfoPanel({ asset, fallback, onChange }: InfoPanelProps) {
  const exif = asset?.exifInfo;
  const { user } = useAuth();
  const canEdit = !!asset && asset.ownerId === user?.id;
  const [editingDate, setEditingDate] = useState(false);
  const [tagging, setTagging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const peopleInPhoto = usePeople(asset, fallback.id);
  const local = asset?.localDateTime ?? fallback.localDateTime;
  const camera = [exif?.make, exif?.model].filter(Boolean).join(' ');
  const exposure = [
    exif?.fNumber ? `ƒ/${exif.fNumber}` : null,
    exif?.exposureTime ? `${exif.exposureTime} s` : null,
    exif?.focalLength ? `${exif.focalLength} mm` : null,
    exif?.iso ? `ISO ${exif.iso}` : null,
  ].filter(Boolean);
  const place = (exif ? [exif.city, exif.state, exif.country] : [fallback.city, fallback.country]).filter(Boolean).join(', ');
  const latitude = exif?.latitude ?? fallback.latitude;
  const longitude = exif?.longitude ?? fallback.longitude;
  const width = exif?.exifImageWidth ?? asset?.width;
  const height = exif?.exifImageHeight ?? asset?.height;
  const people = peopleInPhoto.filter((p) => !p.isHidden);

  const save = async (changes: Record<string, unknown>) => {
    if (!asset) return;
    setError(null);
    try {
      onChange(await api.put<Asset>(`/assets/${asset.id}`, changes));
      setEditingDate(false);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  /** Tags or untags the photo, then shows it as the server has it. */
  const changeTag = async (tagId: string, add: boolean) => {
    if (!asset) return;
    setError(null);
    try {
      const path = `/tags/${tagId}/assets`;
      await (add ? api.put(path, { ids: [asset.id] }) : api.del(path, { ids: [asset.id] }));
      onChange(await api.get<Asset>(`/assets/${asset.id}`));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const saveDate = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input = new FormData(event.currentTarget).get('taken');
    const value = dateTimeOriginal(String(input ?? ''), exif?.timeZone);
    if (value) void save({ dateTimeOriginal: value });
    else setError('Enter a date and time');
  };

  return (
    <aside className="info-panel" aria-label="Info">
      <h2>Info</h2>
      {canEdit ? (
        <textarea
          key={`${asset.id}-${exif?.description ?? ''}`}
          className="info-description"
          aria-label="Description"
          placeholder="Add a description"
          defaultValue={exif?.description ?? ''}
          onBlur={(e) => e.target.value !== (exif?.description ?? '') && void save({ description: e.target.value })}
        />
      ) : (
        exif?.description && <p className="info-description">{exif.description}</p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <dl>
        <dt>Date</dt>
        <dd>
          {editingDate ? (
            <form className="row" onSubmit={saveDate}>
              <input type="datetime-local" name="taken" aria-label="Date taken" defaultValue={inputValue(local)} required />
              <button type="submit">Save</button>
              <button type="button" onClick={() => setEditingDate(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <>
              {Number.isNaN(Date.parse(local)) ? local : dateFormat.format(Date.parse(local))}
              {canEdit && (
                <button type="button" className="link" aria-label="Change the date" onClick={() => setEditingDate(true)}>
                  Edit
                </button>
              )}
            </>
          )}
        </dd>
        {asset && (
          <>
            <dt>File</dt>
            <dd>
              {asset.originalFileName}
              <br />
              <small>
                {[width && height ? `${width} × ${height}` : null, exif?.fileSizeInByte ? formatBytes(exif.fileSizeInByte) : null]
                  .filter(Boolean)
                  .join(' · ')}
              </small>
            </dd>
          </>
        )}
        {camera && (
          <>
            <dt>Camera</dt>
            <dd>{camera}</dd>
          </>
        )}
        {exif?.lensModel && (
          <>
            <dt>Lens</dt>
            <dd>{exif.lensModel}</dd>
          </>
        )}
        {exposure.length > 0 && (
          <>
            <dt>Exposure</dt>
            <dd>{exposure.join(' · ')}</dd>
          </>
        )}
        {place && (
          <>
            <dt>Place</dt>
            <dd>{place}</dd>
          </>
        )}
      </dl>
      {latitude != null && longitude != null && (
        <Suspense fallback={<div className="small-map" />}>
          <SmallMap latitude={latitude} longitude={longitude} />
        </Suspense>
      )}
      {canEdit && (
        <section aria-label="Tags">
          <h3>Tags</h3>
          <ul className="chips info-tags">
            {asset.tags?.map((tag) => (
              <li key={tag.id} className="chip">
                <Link to={`/tags/${tag.id}`} title={tag.value}>
                  {tag.value}
                </Link>
                <button type="button" className="link" aria-label={`Remove the tag ${tag.value}`} onClick={() => void changeTag(tag.id, false)}>
                  ×
                </button>
              </li>
            ))}
            <li>
              <button type="button" onClick={() => setTagging(true)}>
                Add tag
              </button>
            </li>
          </ul>
          <LabelSuggestions
            assetId={asset.id}
            tagsKey={(asset.tags ?? []).map((tag) => tag.id).join()}
            onAccept={(tagId) => changeTag(tagId, true)}
          />
          {tagging && (
            <TagPicker
              onPick={(tag) => {
                setTagging(false);
                void changeTag(tag.id, true);
              }}
              onCancel={() => setTagging(false)}
            />
          )}
        </section>
      )}
      {people.length > 0 && (
        <>
          <h3>People</h3>
          <ul className="info-people">
            {people.map((person) => (
              <li key={person.id}>
                <Link to={`/people/${person.id}`}>
                  <PersonFace person={person} />
                  <span>{person.name || 'Unnamed'}</span>
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
