import path from 'node:path';
import { ArtifactStore } from './artifact-store';
import { config } from './config';

let store: ArtifactStore | undefined;

/** The process-wide artifact store under the data folder. */
export function artifacts(): ArtifactStore {
  store ??= new ArtifactStore(path.join(config().EXAMFLOW_DATA_DIR, 'artifacts'));
  return store;
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
    parsed: `${root}/parsed.json`,
    graded: `${root}/graded.json`,
    diagnosis: `${root}/diagnosis.json`,
    result: `${root}/result.json`,
    reportHtml: `${root}/report.html`,
    reportPdf: `${root}/report.pdf`,
  };
}

export function templateKey(tenantId: string, templateId: string): string {
  return `templates/${tenantId}/${templateId}.json`;
}
