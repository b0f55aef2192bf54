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
  /** the pages were not looked at (a templateId was given): the workflow looks for a sheet code first */
  identify?: boolean;
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

/**
 * With a templateId the pages are not looked at here: decoding a page costs more than the rest
 * of a submission, so the workflow looks at the first page for a sheet code (identifySheet) and
 * fails a sheet of another template there. Without one, the code is the only way to the
 * template, so the first page is searched now.
 */
export async function examTemplate(tenantId: string, templateId: string | undefined, firstPage: Buffer): Promise<ExamTemplate> {
  if (templateId) {
    const template = await loadTemplate(tenantId, templateId);
    if (!template) throw new ApiError(400, 'unknown_template', `no template "${templateId}": create it with POST /v1/templates first`);
    // a template with a layout describes the sheet its pages are: read them through it, no code to look for
    return template.layout ? { template, sheet: true } : { template, sheet: false, identify: true };
  }
  const code = await sheetCodeOf(firstPage);
  if (!code) {
    throw new ApiError(
      400,
      'missing_template',
      'no templateId and no answer-sheet code on the first page: send templateId, or upload examflow answer sheets (their code names the template) with the first sheet page first',
    );
  }
  const template = await loadTemplate(tenantId, code.templateId);
  if (!template) {
    throw new ApiError(
      400,
      'unknown_template',
      `the answer sheet names template "${code.templateId}", which this account does not have: print sheets from your own templates (GET /v1/templates/{id}/answer-sheet.pdf)`,
    );
  }
  return { template, sheet: true };
}
