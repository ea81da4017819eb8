/** A partner's shared timeline, to browse and download from. */
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { timelineSource } from '../api/sources';
import { Icon } from '../components/Icon';
import { Timeline } from '../components/Timeline';
import type { Action } from '../lib/actions';

const actions: Action[] = ['download'];

export function PartnerPage() {
  const { id = '' } = useParams();
  const [name, setName] = useState('');
  const source = useMemo(() => timelineSource({ userId: id, visibility: 'timeline' }), [id]);

  useEffect(() => {
    api.get<{ id: string; name: string }[]>('/partners?direction=shared-with').then(
      (partners) => setName(partners.find((partner) => partner.id === id)?.name ?? ''),
      () => {},
    );
  }, [id]);

  return (
    <Timeline
      key={id}
      source={source}
      actions={actions}
      header={
        <div className="page-header">
          <Link to="/settings" className="button icon" aria-label="Back to settings">
            <Icon name="back" />
          </Link>
          <h1 className="page-title">{name ? `${name}’s photos` : 'Shared photos'}</h1>
        </div>
      }
      empty={<p className="empty-hint">Nothing shared here: this user does not share their timeline with you.</p>}
    />
  );
}
