import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PageInput } from './types';

// Page images for multipart uploads: bytes or file paths, typed by content so the
// server's multer sees a sensible content type.

const byExtension: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

function sniff(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.subarray(0, 4)).toString('hex');
  if (hex === '89504e47') return 'image/png';
  if (hex.startsWith('ffd8ff')) return 'image/jpeg';
  if (hex === '52494646') return 'image/webp';
  if (hex === '49492a00' || hex === '4d4d002a') return 'image/tiff';
  if (hex === '25504446') return 'application/pdf';
  return 'application/octet-stream';
}

export interface PageFile {
  blob: Blob;
  name: string;
}

export async function loadPages(pages: PageInput[]): Promise<PageFile[]> {
  return Promise.all(
    pages.map(async (page, i) => {
      if (typeof page === 'string') {
        const bytes = await readFile(page);
        const type = byExtension[path.extname(page).toLowerCase()] ?? sniff(bytes);
        return { blob: new Blob([new Uint8Array(bytes)], { type }), name: path.basename(page) };
      }
      const type = sniff(page);
      const ext = type.startsWith('image/') ? type.slice(6).replace('jpeg', 'jpg') : type === 'application/pdf' ? 'pdf' : 'bin';
      return { blob: new Blob([new Uint8Array(page)], { type }), name: `page-${i + 1}.${ext}` };
    }),
  );
}
