/** Sign in, or create the first admin account when the server has no user yet. */
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useAuth } from '../state/auth';
import { errorMessage } from '../lib/format';

export function LoginPage() {
  const { login, signUp } = useAuth();
  // Unknown until the server says whether it has an admin, so the form never changes under the user.
  const [mode, setMode] = useState<'login' | 'signup' | null>(null);
  // Only when the server could not say whether it has an admin may the user switch forms.
  const [canSwitch, setCanSwitch] = useState(false);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // Immich's /server/config says whether an admin exists; without it, offer both.
    const unknown = () => {
      setMode('login');
      setCanSwitch(true);
    };
    api.get<{ isInitialized?: boolean }>('/server/config').then((config) => {
      if (config.isInitialized === undefined) unknown();
      else setMode(config.isInitialized ? 'login' : 'signup');
    }, unknown);
  }, []);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'signup') await signUp(name, email, password);
      else await login(email, password);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (mode === null) return <main className="login" aria-busy="true" />;
  return (
    <main className="login">
      <form className="card" onSubmit={submit} aria-label={mode === 'signup' ? 'Create admin account' : 'Sign in'}>
        <h1>
          <img src="/favicon.svg" alt="" width={32} height={32} /> Shoebox
        </h1>
        <h2>{mode === 'signup' ? 'Create the admin account' : 'Sign in'}</h2>
        {mode === 'signup' && (
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />
          </label>
        )}
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" />
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'signup' ? 'Create account' : 'Sign in'}
        </button>
        {canSwitch && (
          <button type="button" className="link" onClick={() => setMode(mode === 'signup' ? 'login' : 'signup')}>
            {mode === 'signup' ? 'I already have an account' : 'First time? Create the admin account'}
          </button>
        )}
      </form>
    </main>
  );
}
