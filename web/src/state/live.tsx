/**
 * App-wide services that outlive pages: the upload queue, live events from the server's
 * WebSocket (/api/events), the theme and a few browser-stored settings.
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { UploadQueue, xhrSender, type UploadItem } from '../lib/uploads';

export interface LiveEvent {
  type: string;
  assetId?: string;
  [key: string]: unknown;
}

type EventListener = (event: LiveEvent) => void;

interface Live {
  uploads: UploadQueue;
  onEvent(listener: EventListener): () => void;
  connected: boolean;
}

const LiveContext = createContext<Live | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<EventListener>());
  const [connected, setConnected] = useState(false);
  const uploads = useMemo(
    () =>
      new UploadQueue(xhrSender, 2, (item: UploadItem) => {
        // The timeline shows the new asset at once; thumbnails follow with asset.ready.
        for (const listener of listeners.current) listener({ type: 'asset.uploaded', assetId: item.assetId });
      }),
    [],
  );

  useEffect(() => {
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let delay = 1000;
    let stopped = false;
    const connect = () => {
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${location.host}/api/events`);
      socket.onopen = () => {
        delay = 1000;
        setConnected(true);
      };
      socket.onmessage = (message) => {
        try {
          const event = JSON.parse(String(message.data)) as LiveEvent;
          for (const listener of listeners.current) listener(event);
        } catch {
          // Ignore what is not JSON.
        }
      };
      socket.onclose = () => {
        setConnected(false);
        if (stopped) return;
        retry = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30_000);
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket?.close();
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
