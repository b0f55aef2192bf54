import { decodePage } from '../page-image';
import { registerSheet } from './registration';
import { parseSheetCode } from '../../domain/sheet-layout';

// Which template and page a picture shows, from the sheet's own QR code: the markers place the
// page and only the code's square is decoded; without markers the whole picture is searched.

export async function findSheetCode(image: Buffer): Promise<{ templateId: string; pageIndex: number; pageCount: number } | null> {
  const img = await decodePage(image);
  const reg = await registerSheet(img);
  if ('failed' in reg || !reg.code) return null;
  return parseSheetCode(reg.code);
}
