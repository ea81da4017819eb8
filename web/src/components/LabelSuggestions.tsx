/**
 * The scenes and things the server sees in a photo (zero-shot CLIP labels, Shoebox's own
 * `GET /assets/{id}/labels`), offered under its tags. Nothing is tagged until the owner accepts
 * a suggestion, which makes it one of their tags through Immich's tag API.
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Tag } from '../api/types';
import { errorMessage } from '../lib/format';

interface LabelSuggestion {
  label: string;
  score: number;
  accepted: boolean;
}

interface LabelSuggestionsProps {
  assetId: string;
  /** Changes whenever the photo's tags do, so accepted suggestions leave. */
  tagsKey: string;
  /** Tags the photo with the tag, as the info panel does. */
  onAccept(tagId: string): Promise<void>;
}

export function LabelSuggestions({ assetId, tagsKey, onAccept }: LabelSuggestionsProps) {
  const [suggestions, setSuggestions] = useState<LabelSuggestion[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Without the CLIP model, or before the photo was embedded, there is nothing to suggest.
    api.get<LabelSuggestion[]>(`/assets/${assetId}/labels`).then(
      (found) => !cancelled && setSuggestions(found),
      () => !cancelled && setSuggestions([]),
    );
    return () => {
      cancelled = true;
    };
  }, [assetId, tagsKey]);

  const open = suggestions.filter((s) => !s.accepted);
  if (open.length === 0 && !error) return null;

  const accept = async (label: string) => {
    setError(null);
    try {
      const [tag] = await api.put<Tag[]>('/tags', { tags: [label] });
      await onAccept(tag.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="label-suggestions" aria-label="Suggested tags">
      <span className="muted">Suggested:</span>
      <ul className="chips">
        {open.map((s) => (
          <li key={s.label} className="chip suggestion" title={`${Math.round(s.score * 100)}% sure`}>
            <button type="button" className="link" aria-label={`Accept the suggested tag ${s.label}`} onClick={() => void accept(s.label)}>
              + {s.label}
            </button>
          </li>
        ))}
      </ul>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
