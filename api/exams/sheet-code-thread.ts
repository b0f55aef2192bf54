import { findSheetCode } from '../../reading/sheets/sheet-code';

// Runs in the API's sheet-code threads (api/exams/sheet-code-pool.ts): finding and decoding the code
// is a few hundred milliseconds of WebAssembly that would otherwise stall the API's event loop.

export type SheetCodeResult = { templateId: string; pageIndex: number; pageCount: number } | null;

export default function sheetCodeJob(image: Uint8Array): Promise<SheetCodeResult> {
  return findSheetCode(Buffer.from(image.buffer, image.byteOffset, image.byteLength));
}
