/**
 * A Leaflet map with markers. Tiles come from the URL set in Settings; without one the map
 * still shows the markers on a plain background, so nothing needs the internet.
 */
import { useEffect, useMemo, useRef } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { tileUrl } from '../state/settings';

export interface Marker {
  latitude: number;
  longitude: number;
  label?: string;
  onClick?: () => void;
}

export function MarkerMap({ markers, zoom = 11, className = 'small-map' }: { markers: Marker[]; zoom?: number; className?: string }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const map = L.map(element.current!, { attributionControl: false, worldCopyJump: true });
    const url = tileUrl();
    if (url) L.tileLayer(url, { maxZoom: 19 }).addTo(map);
    const points: L.LatLngExpression[] = [];
    for (const marker of markers) {
      const point: L.LatLngExpression = [marker.latitude, marker.longitude];
      points.push(point);
      // Circle markers need no image files, unlike Leaflet's default pin.
      const circle = L.circleMarker(point, { radius: 7, color: '#c9793a', fillOpacity: 0.8 }).addTo(map);
      if (marker.label) circle.bindTooltip(marker.label);
      if (marker.onClick) circle.on('click', marker.onClick);
    }
    if (points.length === 1) map.setView(points[0], zoom);
    else if (points.length > 1) map.fitBounds(L.latLngBounds(points), { padding: [20, 20] });
    else map.setView([20, 0], 2);
    return () => {
      map.remove();
    };
  }, [markers, zoom]);
  return <div ref={element} className={className} role="img" aria-label="Map" />;
}

export default function SmallMap({ latitude, longitude }: { latitude: number; longitude: number }) {
  const markers = useMemo(() => [{ latitude, longitude }], [latitude, longitude]);
  return <MarkerMap markers={markers} />;
}
