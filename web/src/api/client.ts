/**
 * Thin fetch wrapper for Shoebox's Immich-shaped API. The session lives in the HttpOnly
 * cookie set at login, so requests only need `credentials: 'same-origin'`.
 */

export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Called when a request answers 401, so the app can show the login page. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

export async function errorFrom(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && typeof body.message === 'string') message = body.message;
    else if (body && Array.isArray(body.message)) message = body.message.join(', ');
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, message);
}

/** A shared link's key: on a public album page every request carries it (`?key=`). */
let shareKey: string | null = null;
export function setShareKey(key: string | null) {
  shareKey = key;
}

/** `url` with the shared link's key added, when there is one. */
export function withKey(url: string): string {
  if (!shareKey) return url;
  return `${url}${url.includes('?') ? '&' : '?'}key=${encodeURIComponent(shareKey)}`;
}

export async function request<T>(method: string, path: string, body?: unknown, quiet401 = false): Promise<T> {
  const response = await fetch(withKey(`/api${path}`), {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    if (response.status === 401 && !quiet401) onUnauthorized();
    throw await errorFrom(response);
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? response.json() : response.text()) as Promise<T>;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  del: <T>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};

/** True when the server lacks an endpoint (older server, or a feature not built yet). */
export function isMissing(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 404 || err.status === 405 || err.status === 501);
}

export const media = {
  thumbnail: (id: string, version = 0) =>
    withKey(`/api/assets/${id}/thumbnail?size=thumbnail${version ? `&v=${version}` : ''}`),
  preview: (id: string) => withKey(`/api/assets/${id}/thumbnail?size=preview`),
  original: (id: string) => withKey(`/api/assets/${id}/original`),
  playback: (id: string) => withKey(`/api/assets/${id}/video/playback`),
  person: (id: string) => `/api/people/${id}/thumbnail`,
};
