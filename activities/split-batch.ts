import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { splitStack, type PageFinding, type PlannedExam, type StackPageNote } from '../domain/batch-split';
import type { Template } from '../domain/template';
import { BadInputError } from '../domain/bad-input';
import type { ArtifactStore } from '../lib/artifacts/artifact-store';
import { batchKeys, examKeys } from '../lib/artifacts/artifacts';
import { loadWebhook } from '../lib/webhooks/webhooks';
import { findTemplate } from '../records/templates';
import type { BatchExamPlan, BatchWorkflowInput, SplitBatchOutput } from '../workflows/batch-definitions';
import type { ExamWorkflowInput } from '../workflows/definitions';
import { checkPdfPageSizes, isPdf, openPdf } from '../lib/documents/pdf-pages';
import { scanPages } from '../lib/documents/pdf-scans';
import { lookAtPageInThread } from '../reading/stack-page-pool';
import type { ActivityDeps } from './deps';

// A class's stack, as uploaded, becomes one stored exam per student: PDFs rendered to page
// images, every page looked at (blank, sheet code, other), the stack split by domain/batch-split,
// and each student's pages, template copy and workflow input written under the exam's keys, as
// the API does for one exam. Idempotent: exam ids follow from the batch id and the exam's
// place, and a retry writes the same keys again.

/** A UUID from the batch and the exam's place in it: a retry of the split names the same exams. */
function batchExamId(batchId: string, position: number): string {
  const h = createHash('sha256').update(`batch\n${batchId}\n${position}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Every page of the upload as an image, in order (a scan's own pictures; other PDF pages drawn at 150 dpi). */
async function stackPages(
  { store, maxBatchPages: max }: Pick<ActivityDeps, 'store' | 'maxBatchPages'>,
  input: BatchWorkflowInput,
): Promise<Buffer[]> {
  const keys = batchKeys(input.batchId);
  const pages: Buffer[] = [];
  for (let i = 0; i < input.files; i++) {
    const file = await store.get(keys.upload(i));
    if (!isPdf(file)) {
      pages.push(file);
      continue;
    }
    const pdf = await openPdf(file, `file ${i + 1}`);
    try {
      await checkPdfPageSizes(pdf);
      pages.push(...(await scanPages(pdf)));
    } finally {
      await pdf.dispose();
    }
    Context.current().heartbeat({ rendered: pages.length });
  }
  if (pages.length > max)
    throw new BadInputError(
      `the stack has ${pages.length} pages, more than the ${max} a batch may have: split the class into smaller stacks`,
    );
  return pages;
}

async function lookAtPages(pages: Buffer[]): Promise<PageFinding[]> {
  let done = 0;
  return Promise.all(
    pages.map(async (page) => {
      const finding = await lookAtPageInThread(page);
      Context.current().heartbeat({ pagesLookedAt: ++done });
      return finding;
    }),
  );
}

export async function splitBatch(
  deps: Pick<ActivityDeps, 'store' | 'maxBatchPages'>,
  input: BatchWorkflowInput,
): Promise<SplitBatchOutput> {
  const pages = await stackPages(deps, input);
  const findings = await lookAtPages(pages);
  const fallback = input.templateId ? { templateId: input.templateId, pagesPerStudent: input.pagesPerStudent ?? 1 } : undefined;
  const plan = splitStack(findings, fallback);
  const templates = await tenantTemplates(input.tenantId, plan.exams);
  const unplaced: StackPageNote[] = [...plan.unplaced];
  const known: PlannedExam[] = [];
  for (const exam of plan.exams) {
    if (templates.has(exam.templateId)) known.push(exam);
    else
      for (const i of exam.stackPages)
        unplaced.push({
          page: i + 1,
          reason: `an answer sheet of template "${exam.templateId}", which this account does not have: print sheets from your own templates`,
        });
  }
  unplaced.sort((a, b) => a.page - b.page);
  const notify = (await loadWebhook(input.tenantId)) !== null;
  const exams: BatchExamPlan[] = [];
  for (const [position, exam] of known.entries()) {
    exams.push(await storeExam(deps.store, input, { position, exam, template: templates.get(exam.templateId)!, pages, notify }));
    Context.current().heartbeat({ examsStored: position + 1 });
  }
  return { pages: pages.length, exams, skipped: plan.skipped, unplaced };
}

async function tenantTemplates(tenantId: string, exams: PlannedExam[]): Promise<Map<string, Template>> {
  const ids = [...new Set(exams.map((e) => e.templateId))];
  const found = await Promise.all(ids.map(async (id) => [id, await findTemplate(tenantId, id)] as const));
  return new Map(found.filter((f): f is readonly [string, Template] => f[1] !== null));
}

/** One student's pages, template copy and workflow input under the exam's keys (as api/exams/start-exam.ts stores them). */
async function storeExam(
  store: ArtifactStore,
  batch: BatchWorkflowInput,
  {
    position,
    exam,
    template,
    pages,
    notify,
  }: { position: number; exam: PlannedExam; template: Template; pages: Buffer[]; notify: boolean },
): Promise<BatchExamPlan> {
  const examId = batchExamId(batch.batchId, position);
  const keys = examKeys(examId);
  const input: ExamWorkflowInput = {
    examId,
    tenantId: batch.tenantId,
    templateId: template.id,
    templateKey: keys.template,
    language: template.language,
    pageKeys: exam.stackPages.map((_, i) => keys.page(i)),
    ...(exam.sheet ? { sheet: true } : {}),
    createdAt: new Date().toISOString(),
    notify,
    ...(batch.review ? { review: batch.review } : {}),
  };
  await Promise.all([...exam.stackPages.map((at, i) => store.put(keys.page(i), pages[at]!)), store.putJson(keys.template, template)]);
  await store.putJson(keys.input, { input, priority: 'normal', subject: template.subject });
  return { examId, position, subject: template.subject, input };
}
