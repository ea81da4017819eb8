/**
 * A person's face crop. The worker makes it after the person exists (a face just named, a
 * merge), so until then the server answers 404: the image shows the blank circle its style
 * gives it instead of a broken image, and loads again when the server says the crop is ready
 * (`on_person_thumbnail`). `updatedAt` in the address refetches a crop the browser cached
 * before the person's face changed. Until the person is loaded (`null`) nothing is fetched, so a
 * page that loads the person does not fetch the crop twice, without and with `updatedAt`.
 */
import { useState } from 'react';
import { media } from '../api/client';
import { useLiveEvent } from '../state/live';

/** A transparent pixel: the circle's background shows through it. */
const BLANK = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

export function PersonFace({
  person,
  className,
  alt = '',
}: {
  person: { id: string; updatedAt?: string } | null;
  className?: string;
  alt?: string;
}) {
  const [made, setMade] = useState(0);
  // The address that failed: a new one (a crop made, a newer person) is tried again.
  const [failed, setFailed] = useState<string | null>(null);
  useLiveEvent((event) => {
    if (person && event.name === 'on_person_thumbnail' && event.personIds?.includes(person.id)) setMade((n) => n + 1);
  });
  const query = new URLSearchParams();
  if (person?.updatedAt) query.set('updatedAt', person.updatedAt);
  if (made) query.set('made', String(made));
  const src = person && (query.size ? `${media.person(person.id)}?${query}` : media.person(person.id));
  const missing = !src || failed === src;
  return (
    <img
      className={className}
      src={missing ? BLANK : src}
      alt={alt}
      data-missing={missing || undefined}
      onError={() => src && setFailed(src)}
    />
  );
}
