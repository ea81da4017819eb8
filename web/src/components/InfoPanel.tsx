/** The viewer's info panel: date, camera, lens, exposure, file, place with a small map, people. */
import { lazy, Suspense } from 'react';
import { Link } from 'react-router-dom';
import { media } from '../api/client';
import type { Asset } from '../api/types';
import type { TimelineAsset } from '../lib/timeline';
import { formatBytes } from '../lib/format';

const SmallMap = lazy(() => import('./SmallMap'));

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' });

export function InfoPanel({ asset, fallback }: { asset: Asset | null; fallback: TimelineAsset }) {
  const exif = asset?.exifInfo;
  const local = asset?.localDateTime ?? fallback.localDateTime;
  const camera = [exif?.make, exif?.model].filter(Boolean).join(' ');
  const exposure = [
    exif?.fNumber ? `ƒ/${exif.fNumber}` : null,
    exif?.exposureTime ? `${exif.exposureTime} s` : null,
    exif?.focalLength ? `${exif.focalLength} mm` : null,
    exif?.iso ? `ISO ${exif.iso}` : null,
  ].filter(Boolean);
  const place = [exif?.city, exif?.state, exif?.country].filter(Boolean).join(', ');
  const width = exif?.exifImageWidth ?? asset?.width;
  const height = exif?.exifImageHeight ?? asset?.height;
  const people = (asset?.people ?? []).filter((p) => !p.isHidden);

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
      {exif?.latitude != null && exif?.longitude != null && (
        <Suspense fallback={<div className="small-map" />}>
          <SmallMap latitude={exif.latitude} longitude={exif.longitude} />
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
