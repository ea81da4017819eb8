/** One thumbnail in the grid: thumbhash placeholder, image fading in, selection and badges. */
import { memo, useState } from 'react';
import { media } from '../api/client';
import { placeholderUrl } from '../lib/thumbhash';
import { formatDuration, type TimelineAsset } from '../lib/timeline';
import type { Box } from '../lib/justified';
import { Icon } from './Icon';

interface TileProps {
  asset: TimelineAsset;
  box: Box;
  top: number;
  selected: boolean;
  selecting: boolean;
  version: number;
  onClick(asset: TimelineAsset, event: React.MouseEvent): void;
  onSelect(asset: TimelineAsset, event: React.MouseEvent): void;
}

export const Tile = memo(function Tile({ asset, box, top, selected, selecting, version, onClick, onSelect }: TileProps) {
  const [loaded, setLoaded] = useState(false);
  const placeholder = placeholderUrl(asset.thumbhash);
  const kind = asset.isImage ? (asset.livePhotoVideoId ? 'Live photo' : 'Photo') : 'Video';
  const stacked = asset.stackCount ? `, stack of ${asset.stackCount}` : '';
  const label = `${kind} taken ${asset.localDateTime.slice(0, 10)}${stacked}`;
  return (
    <div
      className={`tile${selected ? ' selected' : ''}${selecting ? ' selecting' : ''}`}
      style={{
        transform: `translate(${box.left}px, ${top}px)`,
        width: box.width,
        height: box.height,
        backgroundImage: placeholder ? `url(${placeholder})` : undefined,
      }}
      data-asset-id={asset.id}
      role="button"
      tabIndex={0}
      aria-label={label}
      onKeyDown={(event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        onClick(asset, event as unknown as React.MouseEvent);
      }}
    >
      <img
        key={version}
        src={media.thumbnail(asset.id, version)}
        alt=""
        decoding="async"
        draggable={false}
        className={loaded ? 'loaded' : undefined}
        onLoad={() => setLoaded(true)}
        onClick={(event) => onClick(asset, event)}
      />
      <button
        type="button"
        className="tile-check"
        aria-label={selected ? 'Deselect' : 'Select'}
        aria-pressed={selected}
        onClick={(event) => onSelect(asset, event)}
      />
      {(asset.isFavorite || !asset.isImage || asset.stackCount || asset.livePhotoVideoId) && (
        <span className="tile-badges" aria-hidden="true">
          {asset.stackCount ? (
            <span className="tile-stack" title={`Stack of ${asset.stackCount}`}>
              {asset.stackCount} <Icon name="stack" size={16} />
            </span>
          ) : null}
          {asset.livePhotoVideoId && <span className="tile-live">LIVE</span>}
          {!asset.isImage && (
            <span>
              {asset.duration != null ? formatDuration(asset.duration) : ''} <Icon name="play" size={16} />
            </span>
          )}
          {asset.isFavorite && <Icon name="heart" size={16} />}
        </span>
      )}
    </div>
  );
});
