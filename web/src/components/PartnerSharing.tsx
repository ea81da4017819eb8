/** Settings → Sharing: share your timeline with other users, and choose which partners' photos
 *  appear in yours. */
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { useChange } from '../state/change';
import { UserSelect } from './UserSelect';

interface Partner {
  id: string;
  name: string;
  email: string;
  inTimeline?: boolean;
}

export function PartnerSharing() {
  const [sharedBy, setSharedBy] = useState<Partner[]>([]);
  const [sharedWith, setSharedWith] = useState<Partner[]>([]);
  const [users, setUsers] = useState<Partner[]>([]);
  const [chosen, setChosen] = useState('');

  const load = useCallback(async () => {
    const [by, with_, all] = await Promise.all([
      api.get<Partner[]>('/partners?direction=shared-by'),
      api.get<Partner[]>('/partners?direction=shared-with'),
      api.get<Partner[]>('/users'),
    ]);
    setSharedBy(by);
    setSharedWith(with_);
    setUsers(all);
  }, []);
  const { error, run, refresh } = useChange(load);
  useEffect(() => void refresh(), [refresh]);

  const candidates = users.filter((user) => !sharedBy.some((partner) => partner.id === user.id));

  return (
    <section className="card" aria-label="Sharing">
      <h2>Sharing</h2>
      <h3>People who see your timeline</h3>
      <ul className="member-list" aria-label="People who see your timeline">
        {sharedBy.length === 0 && <li className="empty-hint">Nobody: your photos are yours alone.</li>}
        {sharedBy.map((partner) => (
          <li key={partner.id}>
            <span>
              <strong>{partner.name}</strong> <small>{partner.email}</small>
            </span>
            <button type="button" onClick={() => void run(() => api.del(`/partners/${partner.id}`))}>
              Stop sharing
            </button>
          </li>
        ))}
      </ul>
      {candidates.length > 0 && (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            void run(() => api.post('/partners', { sharedWithId: chosen })).then(() => setChosen(''));
          }}
        >
          <UserSelect label="Share your timeline with" users={candidates} value={chosen} onChange={setChosen} />
          <button type="submit" disabled={!chosen}>
            Share my timeline
          </button>
        </form>
      )}
      <h3>Timelines shared with you</h3>
      <ul className="member-list" aria-label="Timelines shared with you">
        {sharedWith.length === 0 && <li className="empty-hint">Nobody shares their timeline with you yet.</li>}
        {sharedWith.map((partner) => (
          <li key={partner.id}>
            <span>
              <Link to={`/partners/${partner.id}`}>{partner.name}</Link> <small>{partner.email}</small>
            </span>
            <label>
              <input
                type="checkbox"
                checked={partner.inTimeline ?? false}
                onChange={(e) => void run(() => api.put(`/partners/${partner.id}`, { inTimeline: e.target.checked }))}
              />
              Show in my timeline
            </label>
          </li>
        ))}
      </ul>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
