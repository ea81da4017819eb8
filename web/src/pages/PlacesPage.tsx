/**
 * Places: a map of where photos were taken and a list of places. Markers come from
 * /map/markers when the server has it, else from the timeline buckets' coordinates.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { timelineSource } from '../api/sources';
import { MarkerMap, type Marker } from '../components/SmallMap';

interface Point {
  id: string;
  lat: number;
  lon: number;
  city: string | null;
  country: string | null;
}

async function loadPoints(): Promise<Point[]> {
  try {
    return await api.get<Point[]>('/map/markers');
  } catch {
    const source = timelineSource({ visibility: 'timeline' });
    const points: Point[] = [];
    for (const bucket of (await source.buckets()).slice(0, 120)) {
      const columns = await api.get<{ id: string[]; latitude?: (number | null)[]; longitude?: (number | null)[]; city?: (string | null)[]; country?: (string | null)[] }>(
        `/timeline/bucket?visibility=timeline&timeBucket=${bucket.timeBucket}`,
      );
      columns.id.forEach((id, i) => {
        const lat = columns.latitude?.[i];
        const lon = columns.longitude?.[i];
        if (lat != null && lon != null) points.push({ id, lat, lon, city: columns.city?.[i] ?? null, country: columns.country?.[i] ?? null });
      });
    }
    return points;
  }
}

export default function PlacesPage() {
  const [points, setPoints] = useState<Point[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadPoints().then(setPoints, (err: Error) => setError(err.message));
  }, []);
  const places = useMemo(() => {
    const counts = new Map<string, { city: string | null; country: string | null; count: number }>();
    for (const p of points ?? []) {
      const key = `${p.city ?? ''}|${p.country ?? ''}`;
      const entry = counts.get(key) ?? { city: p.city, country: p.country, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
    return [...counts.values()].sort((a, b) => b.count - a.count);
  }, [points]);
  const markers = useMemo<Marker[]>(
    () => (points ?? []).slice(0, 5000).map((p) => ({ latitude: p.lat, longitude: p.lon, label: p.city ?? undefined })),
    [points],
  );
  return (
    <div className="scroll-page">
      <h1 className="page-title">Places</h1>
      {error && <p className="error">{error}</p>}
      {points && <MarkerMap markers={markers} zoom={5} className="places-map" />}
      {points && points.length === 0 && <p className="empty-hint">No photos with a location yet.</p>}
      <p className="chips">
        {places.map((place) => (
          <Link
            key={`${place.city}|${place.country}`}
            className="chip"
            to={`/search?${new URLSearchParams({ ...(place.country ? { country: place.country } : {}), ...(place.city ? { city: place.city } : {}) })}`}
          >
            {[place.city, place.country].filter(Boolean).join(', ') || 'Unknown'} <small>{place.count}</small>
          </Link>
        ))}
      </p>
    </div>
  );
}
