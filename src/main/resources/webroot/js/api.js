// Talks to the TravelWatch API with the session cookie. State-changing requests carry the
// session's CSRF token; a 401 means the session has ended, and the page goes back to the login.

let csrfToken = null;
let onSessionEnded = () => {};

export class ApiError extends Error {
  constructor(status, detail, errors) {
    super(detail);
    this.status = status;
    this.errors = errors || [];
  }
}

export function useSession(token, sessionEnded) {
  csrfToken = token;
  onSessionEnded = sessionEnded;
}

export function forgetSession() {
  csrfToken = null;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) {
    return null;
  }
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && csrfToken) {
      onSessionEnded();
    }
    throw new ApiError(response.status, json.detail || `The server answered ${response.status}.`, json.errors);
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
