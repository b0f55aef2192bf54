import type { ExamflowClient } from '../../client/examflow-client';
import { expectedScore, oneSheetTemplate, studentSheets } from '../../test/fixtures/class-stack';
import { scannedStackPdf } from '../../test/fixtures/scan-pdf';

// The chaos run's class: one scanned stack of answer sheets submitted as a batch before the
// kills begin. The batch (parent) and its exams (children) must ride out the same worker,
// server and database kills as single exams, and close with every student's exact score.

export interface ChaosBatch {
  batchId: string;
  /** student number → the score its marks deserve, and its marks by question (for the reviewer) */
  students: Map<string, { expected: number; truth: Map<string, string | null> }>;
  /** exam id → the student's marks, filled in as the batch's exams appear (the reviewer reads it) */
  truthByExam: Map<string, Map<string, string | null>>;
}

export async function submitChaosBatch(client: ExamflowClient, studentCount: number): Promise<ChaosBatch> {
  const template = oneSheetTemplate();
  await client.createTemplate(template);
  const students: ChaosBatch['students'] = new Map();
  const pages: Buffer[] = [];
  for (let s = 0; s < studentCount; s++) {
    const sheet = await studentSheets(template, 900 + s);
    students.set(sheet.truth.studentNumber, {
      expected: expectedScore(template, sheet.truth),
      truth: new Map(Object.entries(sheet.truth.answers)),
    });
    pages.push(...sheet.pages);
  }
  // Nothing is being killed yet, so a plain submission (no idempotency key) is accepted once.
  const { batchId } = await client.submitClassBatch({ pages: [await scannedStackPdf(pages.reverse())], name: 'chaos 8B' });
  return { batchId, students, truthByExam: new Map() };
}

/** Keeps `truthByExam` current while the batch runs (API outages are waited out). */
export function followChaosBatch(client: ExamflowClient, batch: ChaosBatch): { stop(): void } {
  const timer = setInterval(() => {
    client
      .getBatch(batch.batchId)
      .then((doc) => {
        for (const exam of doc.exams) {
          const student = exam.studentId ? batch.students.get(exam.studentId) : undefined;
          if (student) batch.truthByExam.set(exam.examId, student.truth);
        }
      })
      .catch(() => undefined);
  }, 2_000);
  return { stop: () => clearInterval(timer) };
}

/** Waits for the batch to close, then lists what is wrong with it (nothing, when it passes). */
export async function auditChaosBatch(client: ExamflowClient, batch: ChaosBatch, deadline: number): Promise<string[]> {
  let doc = null;
  while (Date.now() < deadline) {
    doc = await client.getBatch(batch.batchId).catch(() => null);
    if (doc && ['completed', 'failed', 'cancelled'].includes(doc.status)) break;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  if (!doc) return ['the batch could not be read'];
  if (doc.status !== 'completed') return [`the batch is ${doc.status}${doc.error ? `: ${doc.error}` : ''}`];
  const problems: string[] = [];
  if (doc.exams.length !== batch.students.size) problems.push(`${doc.exams.length} exams for ${batch.students.size} students`);
  for (const exam of doc.exams) {
    const student = exam.studentId ? batch.students.get(exam.studentId) : undefined;
    if (!student) problems.push(`exam ${exam.examId}: unknown student ${exam.studentId}`);
    else if (exam.status !== 'completed' || exam.score !== student.expected)
      problems.push(`student ${exam.studentId}: ${exam.status}, score ${exam.score} (truth ${student.expected})`);
  }
  const csv = (await client.batchFile(batch.batchId, 'scores.csv')).toString('utf8');
  for (const number of batch.students.keys()) if (!csv.includes(number)) problems.push(`scores.csv lacks student ${number}`);
  const pdf = await client.batchFile(batch.batchId, 'report.pdf');
  if (pdf.subarray(0, 4).toString() !== '%PDF') problems.push('the class report is not a PDF');
  return problems;
}
