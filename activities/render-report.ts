import type { Diagnosis } from '../domain/documents';
import type { GradedExam } from '../domain/grade';
import type { ParsedExam } from '../domain/paper';
import sharp from 'sharp';
import { renderReportHtml, type AnswerImages } from '../domain/report-html';
import { buildResult } from '../domain/result';
import { questionKey, type Template } from '../domain/template';
import type { ArtifactStore } from '../lib/artifacts/artifact-store';
import { examKeys } from '../lib/artifacts/artifacts';
import type { SubmittedStudent } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

export interface RenderReportInput {
  examId: string;
  templateKey: string;
  parsedKey: string;
  gradedKey: string;
  diagnosisKey: string;
  student: SubmittedStudent;
}

/** The answer-sheet boxes as written, small enough to sit in the report's answer column. */
async function answerImages(store: ArtifactStore, parsed: ParsedExam): Promise<AnswerImages> {
  const withImages = parsed.answers.filter((a) => a.imageKey && a.answer !== null);
  const images = await Promise.all(
    withImages.map(async (a) => {
      const jpeg = await sharp(await store.get(a.imageKey!))
        .resize({ width: 480, withoutEnlargement: true })
        .jpeg({ quality: 70 })
        .toBuffer();
      return [questionKey(a), `data:image/jpeg;base64,${jpeg.toString('base64')}`] as const;
    }),
  );
  return Object.fromEntries(images);
}

/** Writes the result document, the HTML report and its A4 PDF, each under a fixed key. */
export async function renderReport(
  { store, renderPdf }: Pick<ActivityDeps, 'store' | 'renderPdf'>,
  input: RenderReportInput,
): Promise<{ resultKey: string; reportHtmlKey: string; reportPdfKey: string }> {
  const keys = examKeys(input.examId);
  const [template, parsed, graded, diagnosis] = await Promise.all([
    store.getJson<Template>(input.templateKey),
    store.getJson<ParsedExam>(input.parsedKey),
    store.getJson<GradedExam>(input.gradedKey),
    store.getJson<Diagnosis>(input.diagnosisKey),
  ]);
  const result = buildResult({ examId: input.examId, template, parsed, graded, diagnosis, student: input.student, gradedAt: new Date() });
  const html = renderReportHtml(result, await answerImages(store, parsed));
  const pdf = await renderPdf(html);
  await Promise.all([store.putJson(keys.result, result), store.put(keys.reportHtml, html), store.put(keys.reportPdf, pdf)]);
  return { resultKey: keys.result, reportHtmlKey: keys.reportHtml, reportPdfKey: keys.reportPdf };
}
