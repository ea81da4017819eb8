/** Routes: sign-in when nobody is signed in, otherwise the gallery pages inside the layout. */
import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider, useAuth } from './state/auth';
import { LiveProvider } from './state/live';
import { Layout } from './components/Layout';
import { LoginPage } from './pages/LoginPage';
import { PhotosPage } from './pages/PhotosPage';
import { FavoritesPage, ArchivePage } from './pages/FilteredPages';
import { TrashPage } from './pages/TrashPage';
import { LockedPage } from './pages/LockedPage';
import { SearchPage } from './pages/SearchPage';
import { PeoplePage } from './pages/PeoplePage';
import { PersonPage } from './pages/PersonPage';
import { AlbumsPage } from './pages/AlbumsPage';
import { AlbumPage } from './pages/AlbumPage';
import { PartnerPage } from './pages/PartnerPage';
import { SharedAlbumPage } from './pages/SharedAlbumPage';
import { SettingsPage } from './pages/SettingsPage';
import { TagsPage } from './pages/TagsPage';

// The admin and map pages are rarely opened; keep them out of the first download.
const AdminPage = lazy(() => import('./pages/AdminPage'));
const PlacesPage = lazy(() => import('./pages/PlacesPage'));

function Gallery() {
  const { user, loading } = useAuth();
  if (loading) return <div className="splash" aria-busy="true" />;
  if (!user) return <LoginPage />;
  return (
    <LiveProvider>
      <Layout>
        <Suspense fallback={<div className="splash" aria-busy="true" />}>
          <Routes>
            <Route path="/" element={<Navigate to="/photos" replace />} />
            <Route path="/photos" element={<PhotosPage />} />
            <Route path="/search" element={<SearchPage />} />
            <Route path="/people" element={<PeoplePage />} />
            <Route path="/people/:id" element={<PersonPage />} />
            <Route path="/albums" element={<AlbumsPage />} />
            <Route path="/albums/:id" element={<AlbumPage />} />
            <Route path="/tags" element={<TagsPage />} />
            <Route path="/tags/:id" element={<TagsPage />} />
            <Route path="/partners/:id" element={<PartnerPage />} />
            <Route path="/favorites" element={<FavoritesPage />} />
            <Route path="/archive" element={<ArchivePage />} />
            <Route path="/trash" element={<TrashPage />} />
            <Route path="/locked" element={<LockedPage />} />
            <Route path="/places" element={<PlacesPage />} />
            <Route path="/admin" element={user.isAdmin ? <AdminPage /> : <Navigate to="/photos" replace />} />
            <Route path="/settings" element={<SettingsPage />} />
            <Route path="*" element={<Navigate to="/photos" replace />} />
          </Routes>
        </Suspense>
      </Layout>
    </LiveProvider>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          {/* A shared link opens without signing in. */}
          <Route path="/share/:key" element={<SharedAlbumPage />} />
          <Route path="*" element={<Gallery />} />
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  );
}
