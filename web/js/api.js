// The API from the browser: bearer token from sessionStorage, JSON errors as ApiError,
// and Server-Sent Events read through fetch (EventSource cannot send Authorization).

const TOKEN_KEY = 'examflow.token';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Every 401 signs the page out; main.js listens. */
export const events = new EventTarget();

export async function request(path, { method = 'GET', json, form, signal, token = session.token(), accept } = {}) {
  const headers = { authorization: `Bearer ${token}` };
  if (accept) headers.accept = accept;
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) body = form;
  let res;
  try {
    res = await fetch(path, { method, headers, body, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'unreachable', 'the API cannot be reached');
  }
  if (res.ok) return res;
  let error = { code: `http_${res.status}`, message: `HTTP ${res.status}` };
  try {
    error = (await res.json()).error ?? error;
  } catch {
    /* not JSON */
  }
  if (res.status === 401) events.dispatchEvent(new Event('unauthorized'));
  throw new ApiError(res.status, error.code, error.message, error.details);
}

export const getJson = async (path, options) => (await request(path, options)).json();
export const postJson = async (path, json, options = {}) => (await request(path, { ...options, method: 'POST', json })).json();

/** Yields the status documents of `event: status` until the stream ends or `signal` aborts. */
export async function* statusEvents(examId, signal) {
  const res = await request(`/v1/exams/${examId}/events`, { signal, accept: 'text/event-stream' });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += decoder.decode(value ?? new Uint8Array(), { stream: !done }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue; // keep-alive comments
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (event === 'status' && data.length) yield JSON.parse(data.join('\n'));
        if (event === 'shutdown') return;
      }
      if (done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
