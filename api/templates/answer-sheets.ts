import Router from '@koa/router';
import { sheetLayout } from '../../domain/sheet-layout';
import { templateIdSchema, type Template } from '../../domain/template';
import { renderAnswerSheetPdf } from '../../lib/documents/answer-sheet-pdf';
import type { Chromium } from '../../lib/documents/browser';
import type { ApiDeps } from '../deps';
import { requireTenant, type AuthState } from '../http/auth';
import { ApiError, validate } from '../http/errors';
import { loadTemplate } from './templates';

// The printable answer sheet of a template and its layout (the geometry of domain/sheet-layout.ts).
// A template never changes once created, so its sheet is rendered once and kept (a few).

const rendered = new Map<string, Promise<Buffer>>();
const MAX_RENDERED = 50;

function sheetPdf(chromium: Chromium, tenantId: string, template: Template): Promise<Buffer> {
  const key = `${tenantId}/${template.id}`;
  let pdf = rendered.get(key);
  if (!pdf) {
    if (rendered.size >= MAX_RENDERED) rendered.delete(rendered.keys().next().value!);
    pdf = renderAnswerSheetPdf(chromium, template);
    rendered.set(key, pdf);
    pdf.catch(() => rendered.delete(key)); // a failed render is tried again next time
  }
  return pdf;
}

export function answerSheetRoutes({ chromium }: ApiDeps): Router<AuthState> {
  const router = new Router<AuthState>();

  async function template(tenantId: string, rawId: string): Promise<Template> {
    const id = validate(templateIdSchema, rawId, 'template id');
    const found = await loadTemplate(tenantId, id);
    if (!found) throw new ApiError(404, 'template_not_found', `no template "${id}"`);
    // its exams are read through its own sheet's layout: an examflow sheet of it would not be
    if (found.layout)
      throw new ApiError(
        409,
        'third_party_layout',
        `template "${id}" reads a sheet examflow did not print (its layout): print that sheet, or create a template without a layout for an examflow answer sheet`,
      );
    return found;
  }

  router.get('/v1/templates/:id/answer-sheet.pdf', requireTenant(), async (ctx) => {
    const t = await template(ctx.state.tenantId, ctx.params.id!);
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="answer-sheet-${t.id}.pdf"`);
    ctx.body = await sheetPdf(chromium, ctx.state.tenantId, t);
  });

  router.get('/v1/templates/:id/answer-sheet.json', requireTenant(), async (ctx) => {
    ctx.body = sheetLayout(await template(ctx.state.tenantId, ctx.params.id!));
  });

  return router;
}
