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
export const requireMultipart = () => requireType('multipart/form-data', 'upload the exam as multipart/form-data: "pages" files in page order and a "templateId" field');
