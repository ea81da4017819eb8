/** Who is signed in: loads /users/me at start, and offers login, sign-up and logout. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, request, setUnauthorizedHandler } from '../api/client';
import type { User } from '../api/types';

interface AuthState {
  user: User | null;
  loading: boolean;
  login(email: string, password: string): Promise<void>;
  signUp(name: string, email: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    setUnauthorizedHandler(() => setUser(null));
    request<User>('GET', '/users/me', undefined, true)
      .then(setUser, () => setUser(null))
      .finally(() => setLoading(false));
  }, []);

  const login = useCallback(async (email: string, password: string) => {
    await request('POST', '/auth/login', { email, password }, true);
    setUser(await api.get<User>('/users/me'));
  }, []);

  const signUp = useCallback(
    async (name: string, email: string, password: string) => {
      await request('POST', '/auth/admin-sign-up', { name, email, password }, true);
      await login(email, password);
    },
    [login],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } finally {
      setUser(null);
    }
  }, []);

  return <AuthContext.Provider value={{ user, loading, login, signUp, logout }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
