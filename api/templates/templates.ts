import Router from '@koa/router';
import { isDeepStrictEqual } from 'node:util';
import { templateIdSchema, templateSchema, type Template } from '../../domain/template';
import { findTemplate, insertTemplate, listTemplates } from '../../records/templates';
import { requireTenant, type AuthState } from '../http/auth';
import { ApiError, validate } from '../http/errors';
import { requireJsonBody } from '../http/content-types';

// Answer keys, one record per tenant and id. An exam takes a copy at submission, so a
// template can never change under an exam that is already running.

/** Templates never change once created (other content under the same id is refused), so loaded ones are kept. */
const loaded = new Map<string, Template>();
const MAX_LOADED = 1000;

export async function loadTemplate(tenantId: string, templateId: string): Promise<Template | null> {
  const key = `${tenantId}/${templateId}`;
  const known = loaded.get(key);
  if (known) return known;
  const template = await findTemplate(tenantId, templateId);
  if (!template) return null;
  if (loaded.size >= MAX_LOADED) loaded.delete(loaded.keys().next().value!);
  loaded.set(key, template);
  return template;
}

/**
 * Stores a new template; the same template again is a no-op (false), other content under a
 * used id is refused (409).
 */
export async function storeTemplate(tenantId: string, template: Template): Promise<boolean> {
  const existing = await loadTemplate(tenantId, template.id);
  if (existing && !isDeepStrictEqual(existing, template)) {
    throw new ApiError(
      409,
      'template_exists',
      `template "${template.id}" already exists with different content: give the new version a new id, e.g. "${template.id}-v2"`,
    );
  }
  const created = !existing && (await insertTemplate(tenantId, template));
  // Two identical POSTs at once: the second finds the first one's row and is a no-op.
  if (!existing && !created && !isDeepStrictEqual(await loadTemplate(tenantId, template.id), template)) {
    throw new ApiError(409, 'template_exists', `template "${template.id}" was just created with different content`);
  }
  return created;
}

export function templateRoutes(): Router<AuthState> {
  const router = new Router<AuthState>();
  // Listing is a read: a tenant sees its own templates, an admin those of every tenant.
  router.get('/v1/templates', async (ctx) => {
    const rows = await listTemplates(ctx.state.admin ? null : ctx.state.tenantId);
    ctx.body = {
      templates: rows.map(({ template: t, tenantId }) => ({
        id: t.id,
        title: t.title,
        subject: t.subject,
        grade: t.grade ?? null,
        language: t.language,
        questions: t.questions.length,
        ...(ctx.state.admin ? { tenantId } : {}),
      })),
    };
  });

  // Templates belong to one tenant: an admin token lists them, but creates and reads one only as that tenant.
  router.use('/v1/templates', requireTenant());

  router.post('/v1/templates', requireJsonBody(), async (ctx) => {
    const template = validate(templateSchema, ctx.request.body, 'template');
    const created = await storeTemplate(ctx.state.tenantId, template);
    ctx.status = created ? 201 : 200;
    ctx.set('Location', `/v1/templates/${template.id}`);
    ctx.body = template;
  });

  router.get('/v1/templates/:id', async (ctx) => {
    const id = validate(templateIdSchema, ctx.params.id, 'template id');
    const template = await loadTemplate(ctx.state.tenantId, id);
    if (!template) throw new ApiError(404, 'template_not_found', `no template "${id}"`);
    ctx.body = template;
  });

  return router;
}
