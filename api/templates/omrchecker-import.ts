import multer from '@koa/multer';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import sharp from 'sharp';
import { importOmrChecker, OmrCheckerImportError } from '../../domain/omrchecker-import';
import { MAX_ASSET_BYTES } from '../../domain/omr-layout';
import { templateIdSchema } from '../../domain/template';
import { z } from '../../lib/zod';
import { requireTenant, type AuthState } from '../http/auth';
import { ApiError, validate } from '../http/errors';
import { storeTemplate } from './templates';

// POST /v1/templates/import/omrchecker: an examflow template from OMRChecker's template.json,
// evaluation.json (or its answer-key CSV) and marker image, stored like any other template.

const MAX_FILE_BYTES = 2 * 1024 * 1024;
const FILES = ['template', 'evaluation', 'answerKey', 'marker', 'reference'] as const;

export const omrCheckerImportForm = z.object({
  id: templateIdSchema,
  title: z.string().trim().min(1).max(200),
  subject: z.string().trim().min(1).max(50),
  language: z.enum(['zh', 'en', 'zh+en']),
});

const receive = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_FILE_BYTES, files: 5, fields: 10, fieldSize: 1000, parts: 15 },
}).fields(FILES.map((name) => ({ name, maxCount: 1 })));

/** multer's own errors, said for this form. */
const upload: Middleware = async (ctx, next) => {
  try {
    await receive(ctx, async () => undefined);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'LIMIT_UNEXPECTED_FILE')
      throw new ApiError(
        400,
        'invalid_upload',
        `unexpected file "${(err as { field?: string }).field ?? ''}": send "template" (template.json), and optionally "evaluation", "answerKey", "marker" and "reference"`,
      );
    if (code === 'LIMIT_FILE_SIZE') throw new ApiError(413, 'payload_too_large', `each file is at most ${MAX_FILE_BYTES / 1024 / 1024} MB`);
    throw err;
  }
  await next();
};

function jsonFile(file: Express.Multer.File | undefined, name: string): unknown {
  if (!file) return undefined;
  try {
    return JSON.parse(file.buffer.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ApiError(400, 'invalid_request', `"${name}" is not JSON: ${(err as Error).message}`);
  }
}

/**
 * An image file as a data URL (decoded and re-encoded, so only an image gets stored): the
 * marker as it is in PNG, the reference scan in JPEG at the size its features are matched at.
 */
async function imageDataUrl(file: Express.Multer.File | undefined, name: 'marker' | 'reference'): Promise<string | undefined> {
  if (!file) return undefined;
  let bytes: Buffer;
  try {
    const image = sharp(file.buffer, { limitInputPixels: 40_000_000 }).rotate().greyscale();
    bytes =
      name === 'marker'
        ? await image.png().toBuffer()
        : await image.resize(1000, 1000, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
  } catch {
    throw new ApiError(415, 'unsupported_media_type', `"${name}" is not an image: send it as PNG, JPEG or WebP`);
  }
  if (bytes.length > MAX_ASSET_BYTES)
    throw new ApiError(
      413,
      'payload_too_large',
      `the ${name} image is ${Math.round(bytes.length / 1024)} KB once stored; at most ${MAX_ASSET_BYTES / 1024} KB${name === 'marker' ? ': crop it to the marker' : ''}`,
    );
  return `data:image/${name === 'marker' ? 'png' : 'jpeg'};base64,${bytes.toString('base64')}`;
}

export function omrCheckerImportRoutes(): Router<AuthState> {
  const router = new Router<AuthState>();
  router.post(
    '/v1/templates/import/omrchecker',
    requireTenant(),
    async (ctx, next) => {
      if (!ctx.is('multipart/form-data'))
        throw new ApiError(
          415,
          'unsupported_media_type',
          'send multipart/form-data: fields id, title, subject, language and files template, evaluation?, answerKey?, marker?, reference?',
        );
      await next();
    },
    upload,
    async (ctx) => {
      const form = validate(omrCheckerImportForm, (ctx.request as { body?: unknown }).body, 'import form');
      const files = (ctx.files ?? {}) as Record<string, Express.Multer.File[] | undefined>;
      const template = jsonFile(files.template?.[0], 'template');
      if (template === undefined) throw new ApiError(400, 'invalid_request', 'send OMRChecker\'s template.json as the file "template"');
      let imported;
      try {
        imported = importOmrChecker({
          ...form,
          template,
          evaluation: jsonFile(files.evaluation?.[0], 'evaluation'),
          answerKeyCsv: files.answerKey?.[0]?.buffer.toString('utf8'),
          markerDataUrl: await imageDataUrl(files.marker?.[0], 'marker'),
          referenceDataUrl: await imageDataUrl(files.reference?.[0], 'reference'),
        });
      } catch (err) {
        if (!(err instanceof OmrCheckerImportError)) throw err;
        const details = Array.isArray(err.details)
          ? (err.details as { path: PropertyKey[]; message: string }[]).map((i) => ({
              path: i.path.map(String).join('.'),
              message: i.message,
            }))
          : undefined;
        throw new ApiError(
          400,
          'invalid_omrchecker_template',
          details?.length ? `${err.message}: ${details[0]!.path ? `${details[0]!.path}: ` : ''}${details[0]!.message}` : err.message,
          details,
        );
      }
      const created = await storeTemplate(ctx.state.tenantId, imported);
      ctx.status = created ? 201 : 200;
      ctx.set('Location', `/v1/templates/${imported.id}`);
      ctx.body = imported;
    },
  );
  return router;
}
