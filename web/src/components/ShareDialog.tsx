/** Share an album with other users of the server, change their roles, or stop sharing. */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Album, AlbumUser } from '../api/types';
import { errorMessage } from '../lib/format';
import { useChange } from '../state/change';
import { UserSelect } from './UserSelect';
import { Dialog } from './Dialog';
import { PublicLinks } from './PublicLinks';

type Person = AlbumUser['user'];

export function ShareDialog({ album, onChange, onClose }: { album: Album; onChange(album: Album): void; onClose(): void }) {
  const [users, setUsers] = useState<Person[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [role, setRole] = useState<'editor' | 'viewer'>('viewer');
  const reload = useCallback(async () => onChange(await api.get<Album>(`/albums/${album.id}`)), [album.id, onChange]);
  const { error, setError, run } = useChange(reload);
  const members = (album.albumUsers ?? []).filter((member) => member.role !== 'owner');
  const candidates = (users ?? []).filter((user) => !members.some((member) => member.user.id === user.id));

  useEffect(() => {
    api.get<Person[]>('/users').then(setUsers, (err) => setError(errorMessage(err)));
  }, []);

  const share = (event: React.FormEvent) => {
    event.preventDefault();
    void run(() => api.put(`/albums/${album.id}/users`, { albumUsers: [{ userId: chosen, role }] })).then(() => setChosen(''));
  };

  return (
    <Dialog title="Share album" onClose={onClose}>
      <ul className="member-list" aria-label="Shared with">
        {members.length === 0 && <li className="empty-hint">Only you can see this album.</li>}
        {members.map(({ user, role: memberRole }) => (
          <li key={user.id}>
            <span>
              <strong>{user.name}</strong> <small>{user.email}</small>
            </span>
            <select
              aria-label={`Role of ${user.name}`}
              value={memberRole}
              onChange={(e) => void run(() => api.put(`/albums/${album.id}/user/${user.id}`, { role: e.target.value }))}
            >
              <option value="editor">Can add photos</option>
              <option value="viewer">Can view</option>
            </select>
            <button type="button" aria-label={`Stop sharing with ${user.name}`} onClick={() => void run(() => api.del(`/albums/${album.id}/user/${user.id}`))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {users && candidates.length === 0 && <p className="empty-hint">There is nobody else to share with: an admin adds users.</p>}
      {candidates.length > 0 && (
        <form className="row" onSubmit={share}>
          <UserSelect label="Share with" users={candidates} value={chosen} onChange={setChosen} />
          <select aria-label="New member's role" value={role} onChange={(e) => setRole(e.target.value as 'editor' | 'viewer')}>
            <option value="viewer">Can view</option>
            <option value="editor">Can add photos</option>
          </select>
          <button type="submit" disabled={!chosen}>
            Share
          </button>
        </form>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      <PublicLinks albumId={album.id} />
    </Dialog>
  );
}
