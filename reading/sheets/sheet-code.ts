import { decodeGrey, pageImageOf } from '../page-image';
import { registerSheet } from './registration';
import { mayHoldQrCode } from './qr-finder';
import { parseSheetCode } from '../../domain/sheet-layout';

// Which template and page a picture shows, from the sheet's own QR code: the markers place the
// page and only the code's square is decoded; without markers the whole picture is searched.
// Most pictures looked at are printed papers with no code at all: a picture without three QR
// finder patterns placed as a code's (reading/sheets/qr-finder.ts, 20–50 ms) is answered before
// any of that.

export async function findSheetCode(image: Buffer): Promise<{ templateId: string; pageIndex: number; pageCount: number } | null> {
  const grey = await decodeGrey(image);
  if (!mayHoldQrCode(grey)) return null;
  const reg = await registerSheet(pageImageOf(grey.data, grey.width, grey.height));
  if ('failed' in reg || !reg.code) return null;
  return parseSheetCode(reg.code);
}
