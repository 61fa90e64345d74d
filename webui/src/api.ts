// The console's only way to the appliance: the REST API on the same origin. Every call sends
// X-Requested-With so an expired session gets a Bearer-only challenge (no browser Basic dialog), and every
// changing call sends the session's anti-CSRF token.

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors: FieldError[];
  /** The whole problem document, for extension members such as a bundle refusal's `reason` and `diff`. */
  readonly problem: Record<string, unknown>;

  constructor(status: number, title: string, detail?: string, errors: FieldError[] = [], problem: Record<string, unknown> = {}) {
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
    this.problem = problem;
  }

  /** The problem's machine-readable `reason` (bundle refusals), if any. */
  get reason(): string | undefined {
    return typeof this.problem.reason === 'string' ? this.problem.reason : undefined;
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Called when a request answers 401: the session has ended and the console shows the login page. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function baseHeaders(method = 'GET'): Record<string, string> {
  const headers: Record<string, string> = { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  return headers;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  raw?: BodyInit;
  contentType?: string;
  /** Extra request headers (the bundle passphrase). */
  headers?: Record<string, string>;
  /** Do not treat 401 as "session ended" (the login call itself). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

export async function request<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers = { ...baseHeaders(method), ...(options.headers ?? {}) };
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['Content-Type'] = options.contentType ?? 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'The appliance did not answer', (e as Error).message);
  }
  if (response.status === 401 && !options.quiet401) unauthorizedListeners.forEach((l) => l());
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) return (await response.json()) as T;
  return (await response.text()) as unknown as T;
}

export async function toError(response: Response): Promise<ApiError> {
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const p = await response.json();
      return new ApiError(response.status, p.title ?? response.statusText, p.detail, Array.isArray(p.errors) ? p.errors : [], p && typeof p === 'object' ? p : {});
    } catch {
      // fall through to the plain description
    }
  }
  const text = await response.text().catch(() => '');
  return new ApiError(response.status, response.statusText || `HTTP ${response.status}`, text.slice(0, 300) || undefined);
}

export const api = {
  get: <T = unknown>(path: string) => request<T>(path),
  post: <T = unknown>(path: string, body?: unknown) => request<T>(path, { method: 'POST', body }),
  put: <T = unknown>(path: string, body: unknown) => request<T>(path, { method: 'PUT', body }),
  patch: <T = unknown>(path: string, body: unknown) => request<T>(path, { method: 'PATCH', body }),
  del: (path: string) => request<void>(path, { method: 'DELETE' }),
};

export const enc = encodeURIComponent;

/** A readable one-line description of any error, for notices. */
export function describe(e: unknown): string {
  if (e instanceof ApiError) {
    const first = e.errors.length > 0 ? ` — ${e.errors.map((x) => (x.path ? `${x.path}: ` : '') + x.message).join('; ')}` : '';
    return `${e.status ? e.status + ' ' : ''}${e.message}${first}`;
  }
  return e instanceof Error ? e.message : String(e);
}
