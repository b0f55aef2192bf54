import http, { type Server } from 'node:http';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import type { Config } from '../../lib/config';
import { ApiError } from './errors';

// Limits of the HTTP server itself, below Koa: how long a request may take to arrive,
// what a request with an oversized declared body or with too many header bytes gets, and
// answers in the API's JSON error shape even where Node would answer plain text.

/** The largest body any route takes: a full upload (every page at the per-file limit) and its form fields. */
export function maxBodyBytes(
  cfg: Pick<Config, 'EXAMFLOW_MAX_UPLOAD_BYTES' | 'EXAMFLOW_MAX_PAGES'> & Partial<Pick<Config, 'EXAMFLOW_MAX_BATCH_UPLOAD_BYTES'>>,
): number {
  // An exam's pages, or a class's stack (POST /v1/batches), whichever may be larger.
  return Math.max(cfg.EXAMFLOW_MAX_UPLOAD_BYTES * cfg.EXAMFLOW_MAX_PAGES, cfg.EXAMFLOW_MAX_BATCH_UPLOAD_BYTES ?? 0) + 1024 * 1024;
}

const tooLargeMessage = (limit: number) =>
  `the declared body is larger than any upload this API takes (${Math.round(limit / 1024 / 1024)} MB): send fewer or smaller pages`;

/** 413 before a byte of the body is read, when its declared Content-Length is already too large. */
export function refuseOversizedBody(limit: number): Middleware {
  return async (ctx, next) => {
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > limit) {
      ctx.set('Connection', 'close');
      throw new ApiError(413, 'payload_too_large', tooLargeMessage(limit));
    }
    await next();
  };
}

function jsonError(status: number, code: string, message: string, reason: string): string {
  const body = JSON.stringify({ error: { code, message } });
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** The HTTP server of the API (not yet listening), with the limits above. */
export function apiServer(
  app: Pick<Koa, 'callback'>,
  cfg: Pick<Config, 'EXAMFLOW_UPLOAD_TIMEOUT_MS' | 'EXAMFLOW_MAX_UPLOAD_BYTES' | 'EXAMFLOW_MAX_PAGES'>,
): Server {
  const handle = app.callback();
  const server = http.createServer(
    {
      // A slow upload is cut after this long (Node's default is 300 s); headers must come
      // sooner; and the deadlines are checked every second, not every 30 s.
      requestTimeout: cfg.EXAMFLOW_UPLOAD_TIMEOUT_MS,
      headersTimeout: Math.min(cfg.EXAMFLOW_UPLOAD_TIMEOUT_MS, 20_000),
      connectionsCheckingInterval: 1_000,
    },
    // Koa's handler settles every request itself (errors go to ctx.onerror); Node ignores the promise.
    (req, res) => void handle(req, res),
  );
  const limit = maxBodyBytes(cfg);
  // "Expect: 100-continue" with an oversized Content-Length: refuse instead of inviting the body.
  server.on('checkContinue', (req, res) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      res.writeHead(413, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' });
      res.end(JSON.stringify({ error: { code: 'payload_too_large', message: tooLargeMessage(limit) } }));
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      socket.end(
        jsonError(
          431,
          'headers_too_large',
          'the request headers are too large: send fewer or shorter headers (cookies included)',
          'Request Header Fields Too Large',
        ),
      );
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      socket.end(
        jsonError(
          408,
          'request_timeout',
          `the request did not arrive within ${cfg.EXAMFLOW_UPLOAD_TIMEOUT_MS / 1000} s: upload again on a faster connection, or fewer pages at once`,
          'Request Timeout',
        ),
      );
    } else {
      socket.end(jsonError(400, 'bad_request', 'the request is not valid HTTP/1.1', 'Bad Request'));
    }
  });
  return server;
}
