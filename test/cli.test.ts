import './helpers/env';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ResultDocument, StatusDocument } from '../client/examflow-client';
import { templateSchema } from '../domain/template';
import { chooseAnswers } from './fixtures/answers';
import { expectedScore } from './fixtures/expected';
import { renderExamPaper, type RenderedPaper } from './fixtures/generator';
import { filledSheetImages } from './fixtures/sheet-filler';
import { runCli } from './helpers/cli';
import { startStack, type Stack } from './helpers/stack';

// The compiled `examflow` CLI as a child process against the real stack.

const cli = path.join(__dirname, '../cli/examflow.js');
const templateFile = path.join(__dirname, '../../test/fixtures/templates/zh-math.json');
const template = templateSchema.parse(JSON.parse(readFileSync(templateFile, 'utf8')));
const dir = mkdtempSync(path.join(os.tmpdir(), 'examflow-cli-'));
let stack: Stack;
let paper: RenderedPaper;
let pagePath: string;
let examId: string;

before(async () => {
  stack = await startStack();
  paper = await renderExamPaper({
    template,
    student: { name: '赵强', class: '八(3)班', id: '2023203' },
    answers: chooseAnswers(template, 2, 31),
    seed: 31,
  });
  pagePath = path.join(dir, 'page-1.png');
  writeFileSync(pagePath, paper.pages[0]!);
});
after(async () => {
  await stack?.stop();
});

const examflow = (args: string[], env: Record<string, string> = {}) => runCli(stack.baseUrl, args, env);

test('templates add and list', async () => {
  const added = await examflow(['templates', 'add', templateFile]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /template g8-math-midterm saved \(8 questions\)/);
  const listed = await examflow(['templates', 'list', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(
    (JSON.parse(listed.stdout) as { id: string }[]).map((t) => t.id),
    [template.id],
  );
});

test('submit --wait prints the score and exits 0', async () => {
  const run = await examflow(['submit', '--template', template.id, '--student', '{"name":"赵强","id":"2023203"}', pagePath, '--wait']);
  assert.equal(run.code, 0, run.stderr);
  const match = /exam ([0-9a-f-]{36}) completed in .+ — score (\d+(?:\.\d+)?)\/(\d+)/.exec(run.stdout);
  assert.ok(match, `stdout: ${run.stdout}`);
  examId = match[1]!;
  assert.equal(Number(match[2]), expectedScore(template, paper.truth));
  assert.equal(Number(match[3]), 55);
  assert.match(run.stderr, new RegExp(`submitted ${examId}`));
});

test('--json status, result and list are machine-readable', async () => {
  const status = await examflow(['--json', 'status', examId]);
  assert.equal(status.code, 0, status.stderr);
  const doc = JSON.parse(status.stdout) as StatusDocument;
  assert.equal(doc.examId, examId);
  assert.equal(doc.status, 'completed');
  assert.equal(doc.progress, 100);

  const result = await examflow(['result', examId, '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal((JSON.parse(result.stdout) as ResultDocument).student.id, '2023203');

  const human = await examflow(['result', examId]);
  assert.match(human.stdout, /score {5}\d+\/55/);

  const list = await examflow(['list', '--status', 'completed', '--limit', '5', '--json']);
  assert.equal(list.code, 0, list.stderr);
  assert.ok((JSON.parse(list.stdout) as { exams: { examId: string }[] }).exams.some((e) => e.examId === examId));

  for (const command of ['stats', 'queue']) {
    const run = await examflow([command]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.length > 20, command);
  }
});

test('report -o writes the PDF (and --html the HTML)', async () => {
  const pdfPath = path.join(dir, 'report.pdf');
  const run = await examflow(['report', examId, '-o', pdfPath]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(readFileSync(pdfPath).subarray(0, 5).toString(), '%PDF-');
  const htmlPath = path.join(dir, 'report.html');
  assert.equal((await examflow(['report', examId, '-o', htmlPath, '--html'])).code, 0);
  assert.match(readFileSync(htmlPath, 'utf8'), /<html/i);
});

test('failures exit non-zero with one clear line on stderr', async () => {
  const cases: [string[], number, RegExp, Record<string, string>?][] = [
    [['status', '00000000-0000-4000-8000-000000000000'], 1, /^examflow: no exam 00000000-.* \(404 exam_not_found\)$/],
    [['status', examId], 1, /\(404 exam_not_found\)$/, { EXAMFLOW_TOKEN: 'token-school-b' }],
    [['list'], 1, /\(401 unauthorized\)$/, { EXAMFLOW_TOKEN: 'wrong-token' }],
    [['retry', examId], 1, /\(409 exam_not_retryable\)$/],
    [['submit', '--template', 'no-such-template', pagePath], 1, /\(400 unknown_template\)$/],
    [['submit', '--template', template.id, path.join(dir, 'missing.png')], 1, /^examflow: no such file: .*missing\.png$/],
    [['queue', '--url', 'http://127.0.0.1:9'], 1, /^examflow: cannot reach http:\/\/127\.0\.0\.1:9/],
    [['frobnicate'], 2, /^examflow: unknown command "frobnicate"/],
    [['status'], 2, /^examflow: usage: examflow status ID$/],
    [['list', '--limit', 'lots'], 2, /--limit is a whole number/],
  ];
  for (const [args, code, pattern, env] of cases) {
    const run = await examflow(args, env);
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout, '', args.join(' '));
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${run.stderr}`);
    assert.match(lines[0]!, pattern);
  }
});

test('submit --wait of an exam that gets cancelled exits 1', async () => {
  const child = spawn(process.execPath, [cli, 'submit', '--template', template.id, pagePath, '--wait'], {
    env: { ...process.env, EXAMFLOW_URL: stack.baseUrl, EXAMFLOW_TOKEN: 'token-school-a' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const submitted = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /submitted ([0-9a-f-]{36})/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.on('close', () => reject(new Error(`exited before submitting: ${stderr}`)));
  });
  const cancel = await examflow(['cancel', submitted]);
  assert.equal(cancel.code, 0, cancel.stderr);
  assert.equal(await exited, 1, stderr);
  assert.equal(stdout, '');
  assert.match(stderr.trimEnd().split('\n').at(-1)!, new RegExp(`^examflow: exam ${submitted} cancelled$`));
});

test('--help and per-command help', async () => {
  const main = await examflow(['--help']);
  assert.equal(main.code, 0);
  for (const command of [
    'templates add',
    'sheet ID -o FILE',
    'submit',
    'status ID',
    'report ID -o FILE',
    'cancel ID',
    'retry ID',
    'stats',
    'queue',
  ])
    assert.ok(main.stdout.includes(command), command);
  const submit = await examflow(['submit', '--help']);
  assert.equal(submit.code, 0);
  assert.match(submit.stdout, /^usage: examflow submit \[--template ID\] PAGE…/);
  assert.match(submit.stdout, /--wait/);
});

test('sheet: a template’s answer sheet as PDF, its layout with --json, and a sheet photo submitted without --template', async () => {
  const pdfPath = path.join(dir, 'sheet.pdf');
  const saved = await examflow(['sheet', template.id, '-o', pdfPath]);
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(saved.stdout, /wrote .*sheet\.pdf/);
  assert.equal(readFileSync(pdfPath).subarray(0, 5).toString(), '%PDF-');
  const layout = await examflow(['--json', 'sheet', template.id]);
  assert.equal(layout.code, 0, layout.stderr);
  const parsed = JSON.parse(layout.stdout) as { templateId: string; unit: string; pages: { questions: unknown[] }[] };
  assert.equal(parsed.templateId, template.id);
  assert.equal(parsed.unit, 'pt');
  assert.equal(parsed.pages.flatMap((p) => p.questions).length, template.questions.length);
  const usage = await examflow(['sheet', template.id]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /-o FILE/);

  const photoPath = path.join(dir, 'sheet-photo.jpg');
  writeFileSync(
    photoPath,
    (await filledSheetImages(template, { studentNumber: '20230203', answers: {} }, { style: 'photo', seed: 3 }))[0]!,
  );
  const submitted = await examflow(['--json', 'submit', photoPath, '--wait']);
  assert.equal(submitted.code, 0, submitted.stderr);
  const out = JSON.parse(submitted.stdout) as { result: ResultDocument };
  assert.equal(out.result.templateId, template.id);
  assert.equal(out.result.student.id, '20230203');
});
