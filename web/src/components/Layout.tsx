/** The frame around every page: top bar (search, upload, theme, account), side navigation, uploads. */
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { NavLink, useNavigate } from 'react-router-dom';
import { useAuth } from '../state/auth';
import { useLive } from '../state/live';
import { useStoredSetting, type Theme } from '../state/settings';
import { UploadPanel } from './UploadPanel';
import { DropZone } from './DropZone';
import { Icon, type IconName } from './Icon';

const links: { to: string; label: string; icon: IconName }[] = [
  { to: '/photos', label: 'Photos', icon: 'photos' },
  { to: '/search', label: 'Explore', icon: 'explore' },
  { to: '/people', label: 'People', icon: 'people' },
  { to: '/places', label: 'Places', icon: 'places' },
  { to: '/albums', label: 'Albums', icon: 'albums' },
  { to: '/tags', label: 'Tags', icon: 'tag' },
  { to: '/favorites', label: 'Favorites', icon: 'heart' },
  { to: '/archive', label: 'Archive', icon: 'archive' },
  { to: '/locked', label: 'Locked folder', icon: 'lock' },
  { to: '/trash', label: 'Trash', icon: 'trash' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { user, logout } = useAuth();
  const { uploads } = useLive();
  const navigate = useNavigate();
  const picker = useRef<HTMLInputElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const [theme, setTheme] = useStoredSetting<Theme>('theme', 'system');
  const [query, setQuery] = useState('');
  const addFiles = useCallback((files: File[]) => uploads.add(files), [uploads]);

  return (
    <div className={`app${menuOpen ? ' menu-open' : ''}`}>
      <header className="topbar">
        <button type="button" className="icon menu-button" aria-label="Menu" onClick={() => setMenuOpen((o) => !o)}>
          <Icon name="menu" />
        </button>
        <NavLink to="/photos" className="brand">
          <img src="/favicon.svg" alt="" width={24} height={24} /> <span>Shoebox</span>
        </NavLink>
        <form
          className="search-box"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            navigate(`/search?q=${encodeURIComponent(query.trim())}`);
          }}
        >
          <input
            type="search"
            aria-label="Search your photos"
            placeholder="Search your photos"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </form>
        <span className="spacer" />
        <button type="button" onClick={() => picker.current?.click()}>
          <Icon name="upload" /> <span className="label">Upload</span>
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          accept="image/*,video/*,.heic,.heif,.dng,.raw"
          hidden
          aria-label="Choose files to upload"
          data-testid="upload-input"
          onChange={(event) => {
            if (event.target.files) uploads.add(event.target.files);
            event.target.value = '';
          }}
        />
        <button
          type="button"
          className="icon"
          aria-label={`Theme: ${theme}`}
          title={`Theme: ${theme}`}
          onClick={() => setTheme(theme === 'system' ? 'dark' : theme === 'dark' ? 'light' : 'system')}
        >
          <Icon name="theme" />
        </button>
        <details className="account">
          <summary aria-label="Account">{user?.name.slice(0, 1).toUpperCase()}</summary>
          <div className="account-menu">
            <p>
              <strong>{user?.name}</strong>
              <br />
              <small>{user?.email}</small>
            </p>
            <NavLink to="/settings">Settings</NavLink>
            {user?.isAdmin && <NavLink to="/admin">Administration</NavLink>}
            <button type="button" onClick={() => void logout()}>
              Sign out
            </button>
          </div>
        </details>
      </header>
      <nav className="sidebar" aria-label="Main" onClick={() => setMenuOpen(false)}>
        {links.map((link) => (
          <NavLink key={link.to} to={link.to}>
            <Icon name={link.icon} /> {link.label}
          </NavLink>
        ))}
        {user?.isAdmin && (
          <NavLink to="/admin">
            <Icon name="admin" /> Administration
          </NavLink>
        )}
      </nav>
      <main className="page">{children}</main>
      <UploadPanel />
      <DropZone onFiles={addFiles} />
    </div>
  );
}
