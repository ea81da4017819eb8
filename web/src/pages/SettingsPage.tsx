/** Account settings: sharing with partners, exporting and importing the library, password, API keys, theme, and the map tile URL. */
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ApiKey } from '../api/types';
import { useStoredSetting, type Theme } from '../state/settings';
import { errorMessage } from '../lib/format';
import { PartnerSharing } from '../components/PartnerSharing';
import { LibraryTransfer } from '../components/LibraryTransfer';

function PasswordForm() {
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      await api.post('/auth/change-password', { password, newPassword });
      setStatus({ ok: true, text: 'Password changed.' });
      setPassword('');
      setNewPassword('');
    } catch (err) {
      setStatus({ ok: false, text: errorMessage(err) });
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-label="Change password">
      <h2>Password</h2>
      <label>
        Current password
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <label>
        New password
        <input type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} required />
      </label>
      {status && <p className={status.ok ? 'note' : 'error'} role="status">{status.text}</p>}
      <button type="submit">Change password</button>
    </form>
  );
}

function ApiKeys() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api.get<ApiKey[]>('/api-keys').then(setKeys, (err: Error) => setError(err.message));
  useEffect(() => void load(), []);
  const create = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      const created = await api.post<{ secret: string }>('/api-keys', { name: name.trim() || 'API key', permissions: ['all'] });
      setSecret(created.secret);
      setName('');
      void load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const remove = async (id: string) => {
    if (!confirm('Delete this API key? Apps using it stop working.')) return;
    await api.del(`/api-keys/${id}`).catch((err: Error) => setError(err.message));
    void load();
  };
  return (
    <section className="card" aria-label="API keys">
      <h2>API keys</h2>
      <p>For the Immich CLI and apps: <code>immich login {location.origin}/api KEY</code></p>
      <form className="row" onSubmit={create}>
        <input aria-label="Key name" placeholder="Key name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit">New API key</button>
      </form>
      {secret && (
        <p className="note" role="status">
          Copy this key now, it is not shown again: <code className="secret">{secret}</code>
        </p>
      )}
      {error && <p className="error">{error}</p>}
      <ul className="plain-list">
        {keys.map((key) => (
          <li key={key.id}>
            <span>
              {key.name} <small>created {key.createdAt.slice(0, 10)}</small>
            </span>
            <button type="button" className="danger" onClick={() => void remove(key.id)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SettingsPage() {
  const [theme, setTheme] = useStoredSetting<Theme>('theme', 'system');
  const [tiles, setTiles] = useStoredSetting<string>('tiles', '');
  return (
    <div className="scroll-page settings">
      <h1 className="page-title">Settings</h1>
      <section className="card" aria-label="Appearance">
        <h2>Appearance</h2>
        <label>
          Theme
          <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
            <option value="system">Same as the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <label>
          Map tile URL
          <input
            placeholder="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
            value={tiles}
            onChange={(e) => setTiles(e.target.value)}
          />
        </label>
        <small>Leave empty to draw maps without tiles (nothing is loaded from the internet).</small>
      </section>
      <PartnerSharing />
      <LibraryTransfer />
      <PasswordForm />
      <ApiKeys />
    </div>
  );
}
