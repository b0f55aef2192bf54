import type { Middleware } from 'koa';
import { ApiError } from './errors';

// Routes say plainly which body they take when sent anything else.

function requireType(type: string, hint: string): Middleware {
  return async (ctx, next) => {
    if (!ctx.is(type)) throw new ApiError(415, 'unsupported_media_type', `${hint} (got ${ctx.get('content-type') || 'no content type'})`);
    await next();
  };
}

export const requireJsonBody = () => requireType('application/json', 'send the document as JSON with "Content-Type: application/json"');
const multipartOnly = requireType(
  'multipart/form-data',
  'upload the exam as multipart/form-data: "pages" files in page order and a "templateId" field',
);
/** Uploads are read as they stream in, never decompressed: a Content-Encoding would be misread. */
export const requireMultipart = (): Middleware => async (ctx, next) => {
  const encoding = ctx.get('content-encoding').trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new ApiError(
      400,
      'invalid_upload',
      `uploads are not decompressed (got Content-Encoding: ${encoding.slice(0, 40)}): send the multipart body as it is, without Content-Encoding`,
    );
  }
  await multipartOnly(ctx, next);
};
