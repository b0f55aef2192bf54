import type { PageFinding } from '../domain/batch-split';
import { isBlankPage } from './blank-page';
import { findSheetCode } from './sheets/sheet-code';

// Runs in the batch splitter's threads (stack-page-pool.ts): what one page of a class's stack
// is, blank, an examflow sheet page (its code), or something else. A page the reader cannot
// decode at all is "other": the split reports it, it never fails the batch.

export default async function lookAtPage(image: Uint8Array): Promise<PageFinding> {
  const page = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  try {
    // Most pages of a stack are sheets: their code first; only a page without one is checked for ink.
    const code = await findSheetCode(page);
    if (code) return { kind: 'sheet', ...code };
    return (await isBlankPage(page)) ? { kind: 'blank' } : { kind: 'other' };
  } catch {
    return { kind: 'other' };
  }
}
