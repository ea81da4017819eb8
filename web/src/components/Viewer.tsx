/**
 * Full-screen viewer: ←/→ to step, Esc to close, f to favorite, Del to trash, i for info, t for
 * the text read in the photo. Photos show the preview with wheel/pinch-free zoom and drag to pan,
 * the original on demand; videos play the server's playable file.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, media } from '../api/client';
import type { Asset, OcrLine } from '../api/types';
import type { Action } from '../lib/actions';
import { placeholderUrl } from '../lib/thumbhash';
import type { TimelineAsset } from '../lib/timeline';
import { InfoPanel } from './InfoPanel';
import { TextOverlay } from './TextOverlay';
import { Icon } from './Icon';
import { errorMessage } from '../lib/format';

interface ViewerProps {
  assets: TimelineAsset[];
  index: number;
  /** Shows another asset of the list. */
  onShow(id: string): void;
  onClose(): void;
  onApplied(action: Action, ids: string[]): void;
}

interface Zoom {
  scale: number;
  x: number;
  y: number;
}

const NO_ZOOM: Zoom = { scale: 1, x: 0, y: 0 };

export function Viewer({ assets, index, onShow, onClose, onApplied }: ViewerProps) {
  const current = assets[index];
  const [details, setDetails] = useState<Asset | null>(null);
  const [showInfo, setShowInfo] = useState(() => innerWidth > 1100 && localStorage.getItem('shoebox.info') === '1');
  const [original, setOriginal] = useState(false);
  const [zoom, setZoom] = useState<Zoom>(NO_ZOOM);
  const [error, setError] = useState<string | null>(null);
  const [favorite, setFavorite] = useState(current?.isFavorite ?? false);
  const [playingLive, setPlayingLive] = useState(false);
  const [textLines, setTextLines] = useState<OcrLine[]>([]);
  const [showText, setShowText] = useState(false);
  const [imageElement, setImageElement] = useState<HTMLImageElement | null>(null);
  const drag = useRef<{ x: number; y: number; zoom: Zoom } | null>(null);
  const closeButton = useRef<HTMLButtonElement>(null);

  // Keyed on the asset's id, not the object: a live event refreshes the timeline with new
  // objects for the same assets, and that must not stop a playing live photo or reset the zoom.
  const currentId = current?.id;
  const currentRef = useRef(current);
  currentRef.current = current;
  useEffect(() => {
    const current = currentRef.current;
    if (!current) return;
    setDetails(null);
    setOriginal(false);
    setZoom(NO_ZOOM);
    setError(null);
    setFavorite(current.isFavorite);
    setPlayingLive(false);
    setTextLines([]);
    let cancelled = false;
    api.get<Asset>(`/assets/${current.id}`).then(
      (asset) => !cancelled && (setDetails(asset), setFavorite(asset.isFavorite)),
      () => {},
    );
    if (current.isImage) {
      api.get<OcrLine[]>(`/assets/${current.id}/ocr`).then(
        (lines) => !cancelled && setTextLines(lines),
        () => {},
      );
    }
    return () => {
      cancelled = true;
    };
  }, [currentId]);

  useEffect(() => closeButton.current?.focus(), []);

  // Warm the cache with the neighbours' previews so stepping feels instant.
  useEffect(() => {
    for (const neighbour of [assets[index + 1], assets[index - 1]]) {
      if (neighbour?.isImage) new Image().src = media.preview(neighbour.id);
    }
  }, [assets, index]);
  useEffect(() => localStorage.setItem('shoebox.info', showInfo ? '1' : '0'), [showInfo]);

  const step = useCallback(
    (delta: number) => {
      const next = assets[index + delta];
      if (next) onShow(next.id);
    },
    [index, assets, onShow],
  );

  const toggleFavorite = useCallback(async () => {
    if (!current) return;
    const next = !favorite;
    try {
      await api.put(`/assets/${current.id}`, { isFavorite: next });
      setFavorite(next);
      onApplied(next ? 'favorite' : 'unfavorite', [current.id]);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [current, favorite, onApplied]);

  const trash = useCallback(async () => {
    if (!current) return;
    try {
      const forever = current.isTrashed;
      if (forever && !confirm('Delete permanently?')) return;
      await api.del('/assets', { ids: [current.id], force: forever });
      // Show the next photo (or the previous one at the end) once this one left the list.
      const neighbour = assets[index + 1] ?? assets[index - 1];
      onApplied(forever ? 'deleteForever' : 'trash', [current.id]);
      if (neighbour) onShow(neighbour.id);
      else onClose();
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [current, assets, index, onApplied, onClose, onShow]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      // A dialog opened from the info panel (e.g. the tag picker) handles its own keys.
      if (event.target instanceof Element && event.target.closest('dialog')) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case 'ArrowRight':
          step(1);
          break;
        case 'ArrowLeft':
          step(-1);
          break;
        case 'Escape':
          onClose();
          break;
        case 'f':
          void toggleFavorite();
          break;
        case 'Delete':
          void trash();
          break;
        case 'i':
          setShowInfo((s) => !s);
          break;
        case 't':
          setShowText((s) => !s);
          break;
        default:
          return;
      }
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [step, onClose, toggleFavorite, trash]);

  if (!current) return null;
  const isVideo = !current.isImage;
  const liveVideo = current.isImage ? (current.livePhotoVideoId ?? details?.livePhotoVideoId ?? null) : null;
  const placeholder = placeholderUrl(current.thumbhash);
  const zoomBy = (factor: number) =>
    setZoom((z) => {
      const scale = Math.min(8, Math.max(1, z.scale * factor));
      return scale === 1 ? NO_ZOOM : { scale, x: z.x, y: z.y };
    });

  return (
    <div className="viewer" role="dialog" aria-modal="true" aria-label="Photo viewer" data-asset-id={current.id}>
      <div className="viewer-main">
      <div className="viewer-left">
      <div className="viewer-bar">
        <button ref={closeButton} type="button" className="icon" aria-label="Close viewer" onClick={onClose}>
          <Icon name="back" />
        </button>
        <span className="viewer-name">{details?.originalFileName ?? ''}</span>
        <span className="spacer" />
        {liveVideo && (
          <button
            type="button"
            className={`live-toggle${playingLive ? ' on' : ''}`}
            aria-label="Play live photo"
            aria-pressed={playingLive}
            // Hovering or pressing plays the motion part once; it ends by itself.
            onClick={() => setPlayingLive(true)}
            onMouseEnter={() => setPlayingLive(true)}
          >
            LIVE
          </button>
        )}
        {!isVideo && textLines.length > 0 && (
          <button
            type="button"
            className={`text-toggle${showText ? ' on' : ''}`}
            aria-label="Show text in photo"
            aria-pressed={showText}
            onClick={() => setShowText((s) => !s)}
          >
            Text
          </button>
        )}
        {!isVideo && (
          <>
            <button type="button" className="icon" aria-label="Zoom out" onClick={() => zoomBy(1 / 1.5)}>
              <Icon name="zoomOut" />
            </button>
            <button type="button" className="icon" aria-label="Zoom in" onClick={() => zoomBy(1.5)}>
              <Icon name="zoomIn" />
            </button>
            <button
              type="button"
              aria-label="View original"
              aria-pressed={original}
              onClick={() => setOriginal(true)}
              disabled={original}
            >
              Original
            </button>
          </>
        )}
        <button
          type="button"
          className={`icon${favorite ? ' on' : ''}`}
          aria-label={favorite ? 'Unfavorite' : 'Favorite'}
          aria-pressed={favorite}
          onClick={() => void toggleFavorite()}
        >
          <Icon name={favorite ? 'heart' : 'heartOutline'} />
        </button>
        <a className="button icon" aria-label="Download" href={media.original(current.id)} download>
          <Icon name="download" />
        </a>
        <button type="button" className="icon" aria-label="Info" aria-pressed={showInfo} onClick={() => setShowInfo((s) => !s)}>
          <Icon name="info" />
        </button>
        <button
          type="button"
          className="icon danger"
          aria-label={current.isTrashed ? 'Delete permanently' : 'Move to trash'}
          onClick={() => void trash()}
        >
          <Icon name="trash" />
        </button>
      </div>
      {error && (
        <p className="error viewer-error" role="alert">
          {error}
        </p>
      )}
        <div
          className="viewer-stage"
          style={{ backgroundImage: placeholder ? `url(${placeholder})` : undefined }}
          onWheel={(event) => !isVideo && zoomBy(event.deltaY < 0 ? 1.2 : 1 / 1.2)}
          onDoubleClick={() => !isVideo && setZoom((z) => (z.scale > 1 ? NO_ZOOM : { scale: 2.5, x: 0, y: 0 }))}
          onPointerDown={(event) => {
            if (zoom.scale === 1) return;
            drag.current = { x: event.clientX, y: event.clientY, zoom };
            event.currentTarget.setPointerCapture(event.pointerId);
          }}
          onPointerMove={(event) => {
            const start = drag.current;
            if (!start) return;
            setZoom({
              ...start.zoom,
              x: start.zoom.x + (event.clientX - start.x),
              y: start.zoom.y + (event.clientY - start.y),
            });
          }}
          onPointerUp={() => (drag.current = null)}
        >
          {isVideo ? (
            <video
              key={current.id}
              className="viewer-media"
              src={media.playback(current.id)}
              poster={media.preview(current.id)}
              controls
              autoPlay
              playsInline
            />
          ) : (
            <img
              key={`${current.id}${original}`}
              ref={setImageElement}
              className="viewer-media"
              src={original ? media.original(current.id) : media.preview(current.id)}
              alt={details?.originalFileName ?? 'Photo'}
              draggable={false}
              style={{ transform: `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})` }}
            />
          )}
          {!isVideo && showText && textLines.length > 0 && (
            <TextOverlay
              lines={textLines}
              image={imageElement}
              transform={`translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})`}
            />
          )}
          {liveVideo && playingLive && (
            // The motion part plays over the still once, then the still shows again.
            <video
              key={liveVideo}
              className="viewer-media viewer-live"
              aria-label="Live photo"
              src={media.playback(liveVideo)}
              autoPlay
              muted
              playsInline
              onEnded={() => setPlayingLive(false)}
            />
          )}
          {index > 0 && (
            <button type="button" className="viewer-nav prev" aria-label="Previous" onClick={() => step(-1)}>
              <Icon name="prev" size={32} />
            </button>
          )}
          {index < assets.length - 1 && (
            <button type="button" className="viewer-nav next" aria-label="Next" onClick={() => step(1)}>
              <Icon name="next" size={32} />
            </button>
          )}
        </div>
      </div>
        {showInfo && <InfoPanel asset={details} fallback={current} onChange={setDetails} />}
      </div>
    </div>
  );
}
