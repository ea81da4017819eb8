/** The locked folder: set a PIN code once, unlock this session with it, then see (and move out)
 *  the photos kept there; they are in no other view. */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { request } from '../api/client';
import { lockedSource } from '../api/sources';
import { Timeline } from '../components/Timeline';
import type { Action } from '../lib/actions';
import { errorMessage } from '../lib/format';

/** `AuthStatusResponseDto`. */
interface AuthStatus {
  pinCode: boolean;
  password: boolean;
  isElevated: boolean;
  pinExpiresAt?: string;
}

const actions: Action[] = ['unlock', 'download', 'trash'];

export function LockedPage() {
  const [status, setStatus] = useState<AuthStatus | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const source = useMemo(() => lockedSource(), []);

  const load = useCallback(async () => {
    try {
      setStatus(await request<AuthStatus>('GET', '/auth/status', undefined, true));
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);
  useEffect(() => void load(), [load]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!status) return;
    try {
      if (!status.pinCode) await request('POST', '/auth/pin-code', { pinCode: pin }, true);
      await request('POST', '/auth/session/unlock', { pinCode: pin }, true);
      setPin('');
      setError(null);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const lock = async () => {
    await request('POST', '/auth/session/lock', {}, true);
    await load();
  };

  if (!status) return <p className="empty-hint">{error ?? 'Loading…'}</p>;
  if (!status.isElevated) {
    const creating = !status.pinCode;
    return (
      <form className="locked-folder" onSubmit={(event) => void submit(event)}>
        <h1 className="page-title">Locked folder</h1>
        <p>
          {creating
            ? 'Choose a six-digit PIN code. Photos you move here are hidden from every other view.'
            : 'Enter your PIN code to see the photos kept here.'}
        </p>
        <input
          aria-label={creating ? 'New PIN code' : 'PIN code'}
          inputMode="numeric"
          autoComplete="off"
          pattern="\d{6}"
          maxLength={6}
          value={pin}
          onChange={(event) => setPin(event.target.value.replace(/\D/g, ''))}
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={pin.length !== 6}>
          {creating ? 'Set PIN code and unlock' : 'Unlock'}
        </button>
      </form>
    );
  }
  return (
    <Timeline
      source={source}
      actions={actions}
      leaves={(action) => action === 'unlock'}
      header={
        <div className="page-header">
          <h1 className="page-title">Locked folder</h1>
          <button type="button" onClick={() => void lock()}>
            Lock
          </button>
        </div>
      }
      empty={<p className="empty-hint">Select photos in the timeline and choose “Move to locked folder”.</p>}
    />
  );
}
