/**
 * Upload queue: files wait, upload two at a time with progress, and end as created,
 * duplicate or failed. Framework-free; the UI subscribes. Lives for the whole page, so
 * uploads continue while the user browses.
 */
import { errorMessage } from './format';

export type UploadStatus = 'waiting' | 'uploading' | 'created' | 'duplicate' | 'failed';

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  loaded: number;
  status: UploadStatus;
  assetId?: string;
  error?: string;
}

export interface Totals {
  files: number;
  done: number;
  failed: number;
  duplicates: number;
  bytes: number;
  loaded: number;
  /** 0..1 over all bytes of this batch. */
  fraction: number;
}

export function totals(items: readonly UploadItem[]): Totals {
  let bytes = 0;
  let loaded = 0;
  let done = 0;
  let failed = 0;
  let duplicates = 0;
  for (const item of items) {
    bytes += item.size;
    const finished = item.status !== 'waiting' && item.status !== 'uploading';
    loaded += finished ? item.size : Math.min(item.loaded, item.size);
    if (finished) done++;
    if (item.status === 'failed') failed++;
    if (item.status === 'duplicate') duplicates++;
  }
  return { files: items.length, done, failed, duplicates, bytes, loaded, fraction: bytes === 0 ? 1 : loaded / bytes };
}

/** Sends one file; resolves with the server's answer. Replaceable in tests. */
export type Sender = (
  file: File,
  onProgress: (loaded: number) => void,
) => Promise<{ status: 'created' | 'duplicate'; id: string }>;

export class UploadQueue {
  items: UploadItem[] = [];
  private files = new Map<number, File>();
  private running = 0;
  private nextKey = 1;
  private listeners = new Set<() => void>();

  constructor(
    private send: Sender,
    private concurrency = 2,
    private onUploaded: (item: UploadItem) => void = () => {},
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit() {
    this.items = [...this.items];
    for (const listener of this.listeners) listener();
  }

  add(files: Iterable<File>) {
    for (const file of files) {
      const key = this.nextKey++;
      this.files.set(key, file);
      this.items.push({ key, name: file.name, size: file.size, loaded: 0, status: 'waiting' });
    }
    this.emit();
    this.pump();
  }

  /** Forgets finished items (the panel's "clear"). */
  clearFinished() {
    this.items = this.items.filter((i) => i.status === 'waiting' || i.status === 'uploading');
    this.emit();
  }

  get busy(): boolean {
    return this.items.some((i) => i.status === 'waiting' || i.status === 'uploading');
  }

  private update(key: number, change: Partial<UploadItem>) {
    this.items = this.items.map((i) => (i.key === key ? { ...i, ...change } : i));
    this.emit();
  }

  private pump() {
    while (this.running < this.concurrency) {
      const next = this.items.find((i) => i.status === 'waiting');
      if (!next) return;
      this.running++;
      this.update(next.key, { status: 'uploading' });
      const file = this.files.get(next.key)!;
      this.send(file, (loaded) => this.update(next.key, { loaded }))
        .then(
          (result) => {
            this.update(next.key, { status: result.status, assetId: result.id, loaded: next.size });
            this.onUploaded(this.items.find((i) => i.key === next.key)!);
          },
          (err: unknown) =>
            this.update(next.key, { status: 'failed', error: errorMessage(err) }),
        )
        .finally(() => {
          this.files.delete(next.key);
          this.running--;
          this.pump();
        });
    }
  }
}

/** Sends a file the way Immich's web app does: multipart POST /api/assets, with progress. */
export const xhrSender: Sender = (file, onProgress) =>
  new Promise((resolve, reject) => {
    const form = new FormData();
    const modified = new Date(file.lastModified || Date.now()).toISOString();
    form.append('deviceAssetId', `web-${file.name}-${file.lastModified}`);
    form.append('deviceId', 'WEB');
    form.append('fileCreatedAt', modified);
    form.append('fileModifiedAt', modified);
    form.append('isFavorite', 'false');
    form.append('filename', file.name);
    form.append('assetData', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/assets');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onerror = () => reject(new Error('Network error'));
    xhr.onload = () => {
      let body: { id?: string; status?: string; message?: string } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON.
      }
      if (xhr.status >= 200 && xhr.status < 300 && body.id) {
        resolve({ status: body.status === 'duplicate' ? 'duplicate' : 'created', id: body.id });
      } else {
        reject(new Error(body.message ?? `Upload failed (${xhr.status})`));
      }
    };
    xhr.send(form);
  });
