import path from 'node:path';
import type { ArtifactStore } from './artifact-store';
import { FsArtifactStore } from './artifact-store-fs';
import { s3StoreFromConfig } from './artifact-store-s3';
import type { Config } from '../config';

/**
 * The artifact store a configuration names (EXAMFLOW_ARTIFACT_STORE: a folder under the data dir, or S3),
 * built once at each process edge: api/deps.ts, worker/activity-deps.ts, a test's or script's own.
 */
export function createArtifactStore(cfg: Config): ArtifactStore {
  return cfg.EXAMFLOW_ARTIFACT_STORE === 's3' ? s3StoreFromConfig(cfg) : new FsArtifactStore(path.join(cfg.EXAMFLOW_DATA_DIR, 'artifacts'));
}

const pad = (n: number) => String(n + 1).padStart(3, '0');

/** Where each artifact of one exam lives. A retried activity writes the same key again. */
export function examKeys(examId: string) {
  const root = `exams/${examId}`;
  return {
    root,
    template: `${root}/template.json`,
    input: `${root}/input.json`,
    page: (pageIndex: number) => `${root}/pages/${pad(pageIndex)}.img`,
    ocr: (pageIndex: number) => `${root}/ocr/${pad(pageIndex)}.json`,
    // Answer sheets: what readSheetPage read on a page, and the images of its answer boxes.
    sheet: (pageIndex: number) => `${root}/sheets/${pad(pageIndex)}.json`,
    sheetBox: (pageIndex: number, box: number) => `${root}/sheets/${pad(pageIndex)}-box-${pad(box)}.png`,
    parsed: `${root}/parsed.json`,
    graded: `${root}/graded.json`,
    // Teacher review: the waiting items, each one's answer region, the exam regraded with the decisions.
    review: `${root}/review/items.json`,
    reviewImage: (itemId: string) => `${root}/review/${itemId}.png`,
    reviewed: `${root}/review/graded.json`,
    // The exam as corrected after completion (the latest correction).
    corrected: `${root}/corrected.json`,
    diagnosis: `${root}/diagnosis.json`,
    result: `${root}/result.json`,
    reportHtml: `${root}/report.html`,
    reportPdf: `${root}/report.pdf`,
  };
}

/** Where each artifact of one class batch lives: the upload as sent, and the class report. */
export function batchKeys(batchId: string) {
  const root = `batches/${batchId}`;
  return {
    root,
    input: `${root}/input.json`,
    upload: (fileIndex: number) => `${root}/upload/${pad(fileIndex)}.bin`,
    reportHtml: `${root}/report.html`,
    reportPdf: `${root}/report.pdf`,
  };
}
