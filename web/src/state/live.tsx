/**
 * App-wide services that outlive pages: the upload queue, live events from the server's
 * socket.io channel (/api/socket.io, Immich's events), the theme and a few browser-stored settings.
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import { request } from '../api/client';
import { UploadQueue, xhrSender, type UploadItem } from '../lib/uploads';

/** Something changed on the server, or this tab finished an upload. */
export interface LiveEvent {
  /** Immich's event name (`on_upload_success`, `on_asset_trash`, …), or `upload_finished`. */
  name: string;
  /** The assets it is about; empty for events about something else. */
  assetIds: string[];
  /** The people it is about (`on_person_thumbnail`). */
  personIds?: string[];
}

type EventListener = (event: LiveEvent) => void;

interface Live {
  uploads: UploadQueue;
  onEvent(listener: EventListener): () => void;
  connected: boolean;
}

/** The asset events the gallery follows, and where each keeps its asset ids. */
const ASSET_EVENTS: Record<string, (payload: unknown) => string[]> = {
  on_upload_success: (asset) => [(asset as { id: string }).id],
  on_asset_update: (asset) => [(asset as { id: string }).id],
  on_asset_trash: (ids) => ids as string[],
  on_asset_restore: (ids) => ids as string[],
  on_asset_delete: (id) => [id as string],
};

const LiveContext = createContext<Live | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<EventListener>());
  const emit = (event: LiveEvent) => {
    for (const listener of listeners.current) listener(event);
  };
  const [connected, setConnected] = useState(false);
  const uploads = useMemo(
    () =>
      new UploadQueue(xhrSender, 2, (item: UploadItem) => {
        // The timeline shows the new asset at once; thumbnails follow with on_upload_success.
        const assetIds = item.assetId ? [item.assetId] : [];
        emit({ name: 'upload_finished', assetIds });
      }),
    [],
  );

  useEffect(() => {
    // The session cookie authenticates the handshake; socket.io reconnects by itself.
    const socket = io({ path: '/api/socket.io', transports: ['websocket'] });
    socket.on('connect', () => setConnected(true));
    socket.on('disconnect', () => setConnected(false));
    for (const [name, idsOf] of Object.entries(ASSET_EVENTS)) {
      socket.on(name, (payload: unknown) => emit({ name, assetIds: idsOf(payload) }));
    }
    socket.on('on_person_thumbnail', (id: string) => emit({ name: 'on_person_thumbnail', assetIds: [], personIds: [id] }));
    // Logged out elsewhere: the next request answers 401, which shows the sign-in page.
    socket.on('on_session_delete', () => void request('GET', '/users/me').catch(() => {}));
    return () => {
      socket.close();
    };
  }, []);

  const value = useMemo<Live>(
    () => ({
      uploads,
      connected,
      onEvent(listener) {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
    }),
    [uploads, connected],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/** Subscribes to live events for the lifetime of a component. */
export function useLiveEvent(listener: EventListener) {
  // Public pages (a shared link) have no live events: nothing to subscribe to there.
  const live = useContext(LiveContext);
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => live?.onEvent((event) => latest.current(event)), [live]);
}

export function useUploads(): UploadItem[] {
  const { uploads } = useLive();
  const [items, setItems] = useState(uploads.items);
  useEffect(() => uploads.subscribe(() => setItems(uploads.items)), [uploads]);
  return items;
}
