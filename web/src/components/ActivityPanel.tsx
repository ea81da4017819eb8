/** An album's likes and comments beside its photos: everyone in the album reads them, likes the
 *  album and comments while its owner has activity switched on; authors delete their own, the
 *  owner anyone's. */
import { useCallback, useEffect, useState } from 'react';
import { api, media } from '../api/client';
import type { Activity, Album } from '../api/types';
import { errorMessage } from '../lib/format';
import { Icon } from './Icon';

interface ActivityPanelProps {
  album: Album;
  userId: string;
  isOwner: boolean;
  onAlbumChange(album: Album): void;
  onClose(): void;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function ActivityPanel({ album, userId, isOwner, onAlbumChange, onClose }: ActivityPanelProps) {
  const [activities, setActivities] = useState<Activity[] | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const enabled = album.isActivityEnabled !== false;
  const myLike = activities?.find((a) => a.type === 'like' && a.assetId === null && a.user.id === userId);
  const albumLikes = activities?.filter((a) => a.type === 'like' && a.assetId === null) ?? [];
  const comments = activities?.filter((a) => a.type === 'comment') ?? [];

  const load = useCallback(
    () => api.get<Activity[]>(`/activities?albumId=${album.id}`).then(setActivities, (err: Error) => setError(err.message)),
    [album.id],
  );
  useEffect(() => void load(), [load]);

  /** Runs a change, then shows the activity as the server has it. */
  const change = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const send = (event: React.FormEvent) => {
    event.preventDefault();
    const text = comment.trim();
    if (!text) return;
    void change(async () => {
      await api.post('/activities', { albumId: album.id, type: 'comment', comment: text });
      setComment('');
    });
  };

  const toggleLike = () =>
    change(() => (myLike ? api.del(`/activities/${myLike.id}`) : api.post('/activities', { albumId: album.id, type: 'like' })));

  /** The switch moves at once; it moves back if the server refuses. */
  const setEnabled = (isActivityEnabled: boolean) => {
    const before = album;
    onAlbumChange({ ...album, isActivityEnabled });
    return change(async () => {
      try {
        onAlbumChange(await api.patch<Album>(`/albums/${album.id}`, { isActivityEnabled }));
      } catch (err) {
        onAlbumChange(before);
        throw err;
      }
    });
  };

  return (
    <aside className="activity-panel" aria-label="Activity">
      <header className="row">
        <h2>Activity</h2>
        <span className="spacer" />
        <button type="button" className="icon" aria-label="Close activity" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {isOwner && (
        <label className="inline">
          <input type="checkbox" checked={enabled} onChange={(e) => void setEnabled(e.target.checked)} /> Comments and likes
        </label>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className={myLike ? 'liked' : undefined}
          aria-pressed={!!myLike}
          disabled={!enabled && !myLike}
          onClick={() => void toggleLike()}
        >
          <Icon name={myLike ? 'heart' : 'heartOutline'} /> {myLike ? 'Liked' : 'Like'}
        </button>
        <small className="note" data-testid="album-likes">
          {albumLikes.length === 0 ? 'No likes yet' : `Liked by ${albumLikes.map((like) => like.user.name).join(', ')}`}
        </small>
      </div>
      <ul className="activity-list" aria-label="Comments">
        {activities && comments.length === 0 && <li className="note">No comments yet.</li>}
        {comments.map((activity) => (
          <li key={activity.id}>
            {activity.assetId && <img className="activity-asset" src={media.thumbnail(activity.assetId)} alt="" />}
            <div>
              <strong>{activity.user.name}</strong> <small className="note">{timeFormat.format(Date.parse(activity.createdAt))}</small>
              <p>{activity.comment}</p>
            </div>
            {(activity.user.id === userId || isOwner) && (
              <button
                type="button"
                className="icon"
                aria-label={`Delete the comment by ${activity.user.name}`}
                onClick={() => void change(() => api.del(`/activities/${activity.id}`))}
              >
                <Icon name="trash" size={16} />
              </button>
            )}
          </li>
        ))}
      </ul>
      {enabled ? (
        <form className="activity-form" onSubmit={send}>
          <textarea aria-label="Comment" placeholder="Say something about this album" value={comment} onChange={(e) => setComment(e.target.value)} />
          <button type="submit" className="primary" disabled={!comment.trim()}>
            Send
          </button>
        </form>
      ) : (
        <p className="note">Comments and likes are switched off for this album.</p>
      )}
    </aside>
  );
}
