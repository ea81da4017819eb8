/** Thumbhash placeholders: decoded once per hash into a tiny data URL, cached. */
import { thumbHashToDataURL } from 'thumbhash';

const cache = new Map<string, string>();
const LIMIT = 5000;

export function placeholderUrl(hash: string | null | undefined): string | undefined {
  if (!hash) return undefined;
  const hit = cache.get(hash);
  if (hit) return hit;
  let url: string | undefined;
  try {
    const bytes = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0));
    url = thumbHashToDataURL(bytes);
  } catch {
    return undefined;
  }
  if (cache.size >= LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(hash, url);
  return url;
}
