import './helpers/env';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import ExcelJS from 'exceljs';
import { ExamflowApiError, ExamflowClient, type ClassBatchStatus } from '../client/examflow-client';
import { expectedScore, oneSheetTemplate, studentSheets, type StackStudent } from './fixtures/class-stack';
import { scannedStackPdf } from './fixtures/scan-pdf';
import { runCli } from './helpers/cli';
import { startStack, type Stack } from './helpers/stack';

// Class batches through the typed client and the compiled `examflow batch …` CLI, against the real stack.

const dir = mkdtempSync(path.join(os.tmpdir(), 'examflow-batch-cli-'));
const quiz = oneSheetTemplate();
let stack: Stack;
let client: ExamflowClient;
let students: StackStudent[];
let classPdf: string;

before(async () => {
  stack = await startStack();
  client = new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' });
  await client.createTemplate(quiz);
  students = await Promise.all([301, 302, 303].map((seed) => studentSheets(quiz, seed, 'scan')));
  classPdf = path.join(dir, 'class.pdf');
  writeFileSync(classPdf, await scannedStackPdf(students.flatMap((s) => s.pages)));
});
after(async () => {
  await stack?.stop();
});

const examflow = (args: string[]) => runCli(stack.baseUrl, args);

test('the client: submit a class PDF, wait for it, read the scores and the report', async () => {
  const { batchId, statusUrl } = await client.submitClassBatch({ pages: [classPdf], name: '七(1)班 测验' });
  assert.equal(statusUrl, `/v1/batches/${batchId}`);
  const seen: ClassBatchStatus[] = [];
  const final = await client.waitForBatch(batchId, { timeoutMs: 300_000, onProgress: (d) => seen.push(d) });
  assert.equal(final.status, 'completed', final.error ?? '');
  assert.ok(seen.length >= 1 && seen.every((d, i) => i === 0 || d.progress >= seen[i - 1]!.progress), 'progress never goes back');
  assert.deepEqual(
    final.exams.map((e) => [e.studentId, e.score]).sort(),
    students.map((s) => [s.truth.studentNumber, expectedScore(quiz, s.truth)]).sort(),
  );
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await client.batchFile(batchId, 'scores.xlsx')) as never);
  assert.equal(book.worksheets[0]!.rowCount, students.length + 1);
  assert.match((await client.batchFile(batchId, 'report.html')).toString(), /七\(1\)班 测验/);
  assert.ok((await client.listBatches()).some((b) => b.batchId === batchId));
  await assert.rejects(
    client.cancelBatch(batchId),
    (err) => err instanceof ExamflowApiError && err.status === 409 && err.code === 'batch_closed',
  );
});

test('the CLI: batch submit --wait, status, report and scores', async () => {
  const run = await examflow(['batch', 'submit', classPdf, '--name', '七(2)班', '--wait']);
  assert.equal(run.code, 0, run.stderr);
  const id = /batch ([0-9a-f-]{36}) \(七\(2\)班\): completed/.exec(run.stdout)?.[1];
  assert.ok(id, run.stdout);
  assert.match(run.stderr, /submitted batch/);
  for (const s of students)
    assert.match(run.stdout, new RegExp(`${s.truth.studentNumber}\\s+completed\\s+${expectedScore(quiz, s.truth)}/`));

  const status = await examflow(['--json', 'batch', 'status', id]);
  assert.equal((JSON.parse(status.stdout) as ClassBatchStatus).counts.completed, students.length);
  const pdf = path.join(dir, 'class-report.pdf');
  assert.equal((await examflow(['batch', 'report', id, '-o', pdf])).code, 0);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  const csv = path.join(dir, 'scores.csv');
  assert.equal((await examflow(['batch', 'scores', id, '-o', csv])).code, 0);
  const text = readFileSync(csv, 'utf8');
  for (const s of students) assert.ok(text.includes(`,${s.truth.studentNumber},`), s.truth.studentNumber);
  const list = await examflow(['batch', 'list']);
  assert.match(list.stdout, new RegExp(id));
  const doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  for (const route of [
    '/v1/batches',
    '/v1/batches/{batchId}',
    '/v1/batches/{batchId}/cancel',
    '/v1/batches/{batchId}/report.pdf',
    '/v1/batches/{batchId}/scores.xlsx',
  ])
    assert.ok(doc.paths[route], route);
  const usage = await examflow(['batch']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /"batch" needs a subcommand/);
});
