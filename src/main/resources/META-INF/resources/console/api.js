// The console's only door to the daemon: fetch() against /api/v1 with the API key kept in this module's memory.
// The key is never written to localStorage, sessionStorage, cookies or URLs; a reload forgets it (signs out).

const BASE = '/api/v1';
let apiKey = null;
let onUnauthorized = () => {};

/** Who is signed in ({name, role, roles}) once signIn succeeded; null otherwise. */
export const session = { user: null };

const RANK = { viewer: 1, editor: 2, admin: 3 };

/** Whether the signed-in key's role includes `role` ('viewer' | 'editor' | 'admin'). */
export function can(role) {
  return !!session.user && (RANK[session.user.role] || 0) >= (RANK[role] || 99);
}

/** Called (once per refusal) when the API answers 401: the key is gone or revoked. */
export function whenUnauthorized(fn) { onUnauthorized = fn; }

/** An API error: the problem+json body's fields, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || (status ? 'http_' + status : 'network_error');
    this.detail = problem.detail || this.message;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.warnings = Array.isArray(problem.warnings) ? problem.warnings : [];
    this.problem = problem;
  }
}

/** Checks a key with GET /me and keeps it on success; throws ApiError (401 for a wrong key). */
export async function signIn(key) {
  apiKey = key.trim();
  try {
    session.user = await get('/me');
  } catch (e) {
    apiKey = null;
    session.user = null;
    throw e;
  }
  return session.user;
}

export function signOut() {
  apiKey = null;
  session.user = null;
}

export const signedIn = () => apiKey !== null && session.user !== null;

/**
 * One call. Returns {status, etag, data} (data: parsed JSON, or null for 204). Throws ApiError for 4xx/5xx.
 * Options: body (sent as JSON), ifMatch (version number or ETag), signal (AbortSignal).
 */
export async function call(method, path, { body, ifMatch, signal } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (apiKey) headers.Authorization = 'Bearer ' + apiKey;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined && ifMatch !== null) {
    headers['If-Match'] = String(ifMatch).startsWith('"') ? String(ifMatch) : `"${ifMatch}"`;
  }
  let response;
  try {
    response = await fetch(BASE + path, {
      method, headers, signal, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { detail: 'The daemon did not answer (' + e.message + '). Is it running?' });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text.slice(0, 300) }; }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data || {});
    if (response.status === 401 && apiKey !== null && path !== '/me') {
      signOut();
      onUnauthorized(error);
    }
    throw error;
  }
  return { status: response.status, etag: response.headers.get('ETag'), data };
}

export const get = async (path, opts) => (await call('GET', path, opts)).data;
export const post = async (path, body, opts = {}) => (await call('POST', path, { ...opts, body })).data;
export const put = async (path, body, opts = {}) => (await call('PUT', path, { ...opts, body })).data;
export const del = async (path, opts) => (await call('DELETE', path, opts)).data;

/**
 * The items of a list answer, whatever its shape: the envelope {items, nextCursor}, the older {items},
 * {members} (segment members) or a bare array. Returns {items, nextCursor} (nextCursor null on the last page).
 */
export function listOf(data) {
  if (Array.isArray(data)) return { items: data, nextCursor: null };
  if (!data || typeof data !== 'object') return { items: [], nextCursor: null };
  const items = data.items || data.members || [];
  const nextCursor = data.nextCursor ?? data.nextAfter ?? data.nextBefore ?? null;
  return { items, nextCursor };
}

/** GET a list page: query {cursor, limit, ...} → {items, nextCursor}. */
export async function list(path, query = {}, opts = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, v);
  }
  const qs = params.toString();
  return listOf(await get(path + (qs ? (path.includes('?') ? '&' : '?') + qs : ''), opts));
}

/** Encodes one path segment (keys may hold characters that are special in URLs). */
export const seg = (s) => encodeURIComponent(s);
