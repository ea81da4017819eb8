/** The viewer's info panel: date, camera, lens, exposure, file, place with a small map, people. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, media } from '../api/client';
import type { Asset, PersonSummary } from '../api/types';
import type { TimelineAsset } from '../lib/timeline';
import { formatBytes } from '../lib/format';

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

export function InfoPanel({ asset, fallback }: { asset: Asset | null; fallback: TimelineAsset }) {
  const exif = asset?.exifInfo;
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

  return (
    <aside className="info-panel" aria-label="Info">
      <h2>Info</h2>
      <dl>
        <dt>Date</dt>
        <dd>{Number.isNaN(Date.parse(local)) ? local : dateFormat.format(Date.parse(local))}</dd>
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
      {people.length > 0 && (
        <>
          <h3>People</h3>
          <ul className="info-people">
            {people.map((person) => (
              <li key={person.id}>
                <Link to={`/people/${person.id}`}>
                  <img src={media.person(person.id)} alt="" />
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
