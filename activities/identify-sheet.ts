import { BadInputError } from '../domain/bad-input';
import { findSheetCode } from '../reading/sheets/sheet-code';
import type { ActivityDeps } from './deps';

// Whether an exam submitted with a templateId is a pile of answer sheets: the API no longer
// decodes pages to find out (it would bound intake to a few dozen submissions a second), so
// the exam's first page is looked at here, before any reading.

export interface IdentifySheetInput {
  examId: string;
  pageKey: string;
  templateId: string;
}

/** sheet: the first page carries this template's answer-sheet code; a code of another template is bad input. */
export async function identifySheet({ store }: Pick<ActivityDeps, 'store'>, input: IdentifySheetInput): Promise<{ sheet: boolean }> {
  const code = await findSheetCode(await store.get(input.pageKey));
  if (code && code.templateId !== input.templateId) {
    const { templateId } = input;
    throw new BadInputError(
      `the pages are answer sheets of template "${code.templateId}", but templateId says "${templateId}": leave templateId out, or upload the sheets of "${templateId}"`,
    );
  }
  return { sheet: code !== null };
}
