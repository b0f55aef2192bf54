import type { Middleware } from 'koa';
import { z } from '../../lib/zod';
import { logger } from '../../lib/logger';
import { isDatabaseUnavailable } from '../../records/database';

/** An error the client caused, answered as `{ error: { code, message, details? } }`, the API's one error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Parses with a zod schema, or answers 400 with every problem listed. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = details[0];
  throw new ApiError(400, 'invalid_request', `${what} is invalid: ${first?.path ? `${first.path}: ` : ''}${first?.message}`, details);
}

export const errorHandler: Middleware = async (ctx, next) => {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) throw new ApiError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
  } catch (err) {
    const apiError = toApiError(err);
    if (apiError.code === 'internal') logger.error({ err, path: ctx.path }, 'request failed');
    ctx.status = apiError.status;
    ctx.set(apiError.headers);
    ctx.body = {
      error: { code: apiError.code, message: apiError.message, ...(apiError.details === undefined ? {} : { details: apiError.details }) },
    };
  }
};

/** Errors thrown by Koa's body parser and multer carry a status or a code; keep their meaning. */
function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { status?: number; code?: string; message?: string; field?: string; headers?: Record<string, string> };
  const multerCodes: Record<string, [number, string]> = {
    LIMIT_FILE_SIZE: [413, 'a page file is larger than the upload limit'],
    LIMIT_FILE_COUNT: [400, 'too many pages in one exam'],
    LIMIT_FIELD_VALUE: [400, 'a form field is too long'],
    LIMIT_UNEXPECTED_FILE: [400, `unexpected file field "${e.field ?? ''}": send pages as "pages"`],
    LIMIT_PART_COUNT: [400, 'too many parts in the multipart form'],
    LIMIT_FIELD_COUNT: [400, 'too many fields in the multipart form'],
  };
  if (e?.code && multerCodes[e.code]) {
    const [status, message] = multerCodes[e.code]!;
    return new ApiError(status, status === 413 ? 'payload_too_large' : 'invalid_upload', message);
  }
  // A body that is not what its Content-Encoding says (gzip, deflate, br): a client error.
  if (e?.code && /^Z_|^ERR__ERROR|BROTLI/.test(e.code)) {
    return new ApiError(
      400,
      'invalid_request',
      'the body could not be decompressed as its Content-Encoding says: send it uncompressed, without Content-Encoding',
    );
  }
  if (e?.status === 501)
    return new ApiError(501, 'not_implemented', `this API does not implement that method: use ${e.headers?.Allow ?? 'GET or POST'}`);
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const codes: Record<number, string> = {
      405: 'method_not_allowed',
      413: 'payload_too_large',
      415: 'unsupported_media_type',
      429: 'rate_limited',
    };
    return new ApiError(e.status, codes[e.status] ?? 'invalid_request', e.message || 'invalid request', undefined, e.headers ?? {});
  }
  if (isDatabaseUnavailable(err))
    return new ApiError(
      503,
      'database_unavailable',
      'the records database cannot be reached right now: nothing was changed, retry in a few seconds',
      undefined,
      { 'Retry-After': '5' },
    );
  if (e?.message && /Malformed part header/i.test(e.message)) {
    return new ApiError(
      400,
      'invalid_upload',
      'malformed multipart part header: a file name must be printable text of at most 255 characters, without control characters',
    );
  }
  if (e?.message && /Multipart|Unexpected end of form|boundary|Request aborted/i.test(e.message))
    return new ApiError(400, 'invalid_upload', `malformed multipart body: ${e.message}`);
  return new ApiError(500, 'internal', 'internal error; the request can be retried');
}
