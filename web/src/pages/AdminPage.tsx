/** Administration: server statistics, the jobs dashboard, backups and scrub, and users. */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { QueueStatus, ServerStatistics, User } from '../api/types';
import { errorMessage, formatBytes, formatCount } from '../lib/format';
import BackupsPanel from '../components/BackupsPanel';

const queueTitles: Record<string, string> = {
  thumbnailGeneration: 'Thumbnails',
  metadataExtraction: 'Metadata',
  videoConversion: 'Video conversion',
  faceDetection: 'Face detection',
  facialRecognition: 'Facial recognition',
  smartSearch: 'Smart search',
  duplicateDetection: 'Duplicate detection',
};

function Jobs() {
  const [queues, setQueues] = useState<Record<string, QueueStatus> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => api.get<Record<string, QueueStatus>>('/jobs').then(setQueues, (e: Error) => setError(e.message)), []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [load]);
  const command = async (name: string, body: { command: string; force?: boolean }) => {
    try {
      await api.put(`/jobs/${name}`, { force: false, ...body });
      void load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section aria-label="Jobs">
      <h2>Jobs</h2>
      {error && <p className="error">{error}</p>}
      <div className="jobs-grid">
        {queues &&
          Object.entries(queues)
            .filter(([name]) => name in queueTitles)
            .map(([name, q]) => {
              const c = q.jobCounts;
              const total = c.active + c.waiting + c.completed + c.failed + c.delayed;
              return (
                <article key={name} className="card job" aria-label={queueTitles[name]}>
                  <h3>
                    {queueTitles[name]} {q.queueStatus.isPaused && <span className="chip">paused</span>}
                  </h3>
                  <progress aria-label={`${queueTitles[name]} progress`} max={Math.max(1, total)} value={c.completed + c.failed} />
                  <p className="counts">
                    <span>{formatCount(c.active)} active</span> <span>{formatCount(c.waiting + c.delayed)} waiting</span>{' '}
                    <span>{formatCount(c.failed)} failed</span>
                  </p>
                  <div className="row">
                    <button type="button" onClick={() => void command(name, { command: 'start', force: false })}>
                      Missing
                    </button>
                    <button type="button" onClick={() => void command(name, { command: 'start', force: true })}>
                      All
                    </button>
                    {q.queueStatus.isPaused ? (
                      <button type="button" onClick={() => void command(name, { command: 'resume' })}>
                        Resume
                      </button>
                    ) : (
                      <button type="button" onClick={() => void command(name, { command: 'pause' })}>
                        Pause
                      </button>
                    )}
                  </div>
                </article>
              );
            })}
      </div>
    </section>
  );
}

function Statistics() {
  const [stats, setStats] = useState<ServerStatistics | null>(null);
  useEffect(() => {
    api.get<ServerStatistics>('/server/statistics').then(setStats, () => setStats(null));
  }, []);
  if (!stats) return null;
  return (
    <section aria-label="Server statistics">
      <h2>Statistics</h2>
      <div className="stats">
        <div className="card">
          <strong>{formatCount(stats.photos)}</strong> photos
        </div>
        <div className="card">
          <strong>{formatCount(stats.videos)}</strong> videos
        </div>
        <div className="card">
          <strong>{formatBytes(stats.usage)}</strong> used
        </div>
      </div>
    </section>
  );
}

function Users() {
  const [users, setUsers] = useState<User[]>([]);
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => api.get<User[]>('/admin/users').then(setUsers, (e: Error) => setError(e.message)), []);
  useEffect(() => void load(), [load]);
  const create = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      await api.post('/admin/users', form);
      setForm({ name: '', email: '', password: '' });
      setError(null);
      void load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const remove = async (user: User) => {
    if (!confirm(`Delete ${user.email}?`)) return;
    try {
      await api.del(`/admin/users/${user.id}`, {});
      void load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const field = (name: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [name]: e.target.value }));
  return (
    <section aria-label="Users">
      <h2>Users</h2>
      {error && <p className="error">{error}</p>}
      <ul className="plain-list">
        {users.map((user) => (
          <li key={user.id}>
            <span>
              {user.name} <small>{user.email}</small> {user.isAdmin && <span className="chip">admin</span>}
            </span>
            {!user.isAdmin && (
              <button type="button" className="danger" onClick={() => void remove(user)}>
                Delete
              </button>
            )}
          </li>
        ))}
      </ul>
      <form className="row wrap" onSubmit={create} aria-label="Create user">
        <input aria-label="Name" placeholder="Name" value={form.name} onChange={field('name')} required />
        <input aria-label="Email" type="email" placeholder="Email" value={form.email} onChange={field('email')} required />
        <input aria-label="Password" type="password" placeholder="Password" value={form.password} onChange={field('password')} required />
        <button type="submit">Create user</button>
      </form>
    </section>
  );
}

export default function AdminPage() {
  return (
    <div className="scroll-page admin">
      <h1 className="page-title">Administration</h1>
      <Statistics />
      <Jobs />
      <BackupsPanel />
      <Users />
    </div>
  );
}
