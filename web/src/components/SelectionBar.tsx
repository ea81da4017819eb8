/** The bar that replaces the page header while assets are selected: count and actions. */
import { useState } from 'react';
import { actionLabels, type Action } from '../lib/actions';
import { AlbumPicker } from './AlbumPicker';
import { TagPicker } from './TagPicker';
import { Icon } from './Icon';

interface SelectionBarProps {
  count: number;
  actions: Action[];
  allFavorite: boolean;
  /** `target`: the album chosen for "Add to album", the tag chosen for "Tag". */
  onAction(action: Action, target?: string): void;
  onClear(): void;
}

export function SelectionBar({ count, actions, allFavorite, onAction, onClear }: SelectionBarProps) {
  const [picking, setPicking] = useState(false);
  const [tagging, setTagging] = useState(false);
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection actions">
      <button type="button" className="icon" aria-label="Clear selection" onClick={onClear}>
        <Icon name="close" />
      </button>
      <span className="selection-count">{count} selected</span>
      <span className="spacer" />
      {actions.map((action) => {
        if (action === 'favorite' || action === 'unfavorite') {
          const next = allFavorite ? 'unfavorite' : 'favorite';
          if (action === 'unfavorite' && actions.includes('favorite')) return null;
          return (
            <button key={action} type="button" onClick={() => onAction(next)}>
              {actionLabels[next]}
            </button>
          );
        }
        if (action === 'stack' && count < 2) return null;
        if (action === 'tag') {
          return (
            <button key={action} type="button" onClick={() => setTagging(true)}>
              {actionLabels.tag}
            </button>
          );
        }
        if (action === 'album') {
          return (
            <button key={action} type="button" onClick={() => setPicking(true)}>
              {actionLabels.album}
            </button>
          );
        }
        return (
          <button
            key={action}
            type="button"
            className={action === 'trash' || action === 'deleteForever' ? 'danger' : undefined}
            onClick={() => {
              if (action === 'deleteForever' && !confirm(`Delete ${count} items permanently?`)) return;
              onAction(action);
            }}
          >
            {actionLabels[action]}
          </button>
        );
      })}
      {picking && (
        <AlbumPicker
          onPick={(albumId) => {
            setPicking(false);
            onAction('album', albumId);
          }}
          onCancel={() => setPicking(false)}
        />
      )}
      {tagging && (
        <TagPicker
          onPick={(tag) => {
            setTagging(false);
            onAction('tag', tag.id);
          }}
          onCancel={() => setTagging(false)}
        />
      )}
    </div>
  );
}
