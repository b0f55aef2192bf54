import type { Template } from '../../domain/template';
import { logger } from '../../lib/logger';
import { ApiError } from '../http/errors';
import { findSheetCodeInThread } from './sheet-code-pool';
import { loadTemplate } from '../templates/templates';

// Which template an exam is graded with, and whether its pages are answer sheets: the
// submitted templateId, or the code printed on the first page's answer sheet.

export interface ExamTemplate {
  template: Template;
  /** the first page carries an examflow answer-sheet code, or the template has a third-party layout: read marks, not text */
  sheet: boolean;
}

/** The sheet code on a page, or null (a page that is no examflow sheet, or unreadable). */
async function sheetCodeOf(page: Buffer): Promise<{ templateId: string } | null> {
  try {
    return await findSheetCodeInThread(page);
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'looking for an answer-sheet code failed; treating the page as a paper');
    return null;
  }
}

export async function examTemplate(tenantId: string, templateId: string | undefined, firstPage: Buffer): Promise<ExamTemplate> {
  // a template with a layout describes the sheet its pages are: read them through it, no code to look for
  const named = templateId ? await loadTemplate(tenantId, templateId) : null;
  if (named?.layout) return { template: named, sheet: true };
  const code = await sheetCodeOf(firstPage);
  if (!templateId && !code) {
    throw new ApiError(
      400,
      'missing_template',
      'no templateId and no answer-sheet code on the first page: send templateId, or upload examflow answer sheets (their code names the template) with the first sheet page first',
    );
  }
  if (templateId && code && code.templateId !== templateId) {
    throw new ApiError(
      400,
      'template_mismatch',
      `the pages are answer sheets of template "${code.templateId}", but templateId says "${templateId}": leave templateId out, or upload the sheets of "${templateId}"`,
    );
  }
  const id = templateId ?? code!.templateId;
  const template = await loadTemplate(tenantId, id);
  if (!template) {
    const message = templateId
      ? `no template "${id}": create it with POST /v1/templates first`
      : `the answer sheet names template "${id}", which this account does not have: print sheets from your own templates (GET /v1/templates/{id}/answer-sheet.pdf)`;
    throw new ApiError(400, 'unknown_template', message);
  }
  return { template, sheet: code !== null || template.layout !== undefined };
}
