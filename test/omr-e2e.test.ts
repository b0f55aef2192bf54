import './helpers/env';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ExamflowClient } from '../client/examflow-client';
import type { Template } from '../domain/template';
import { SAMPLES_DIR } from './fixtures/omrchecker-samples';
import { apiClient, startStack, type Stack } from './helpers/stack';

// Third-party sheets end to end: OMRChecker's sample5 template, evaluation and marker imported
// through POST /v1/templates/import/omrchecker, one of its scans submitted through POST /v1/exams,
// read (marker registration, bubbles, roll number) and graded by the real workflow on real
// workers against real PostgreSQL, to the answers and score OMRChecker recorded for that scan.

const sample = (...p: string[]) => readFileSync(path.join(SAMPLES_DIR, ...p));
const recorded = (
  JSON.parse(sample('expected.json').toString()) as { input: string; score: number; columns: Record<string, string> }[]
).find((r) => r.input.endsWith('camscanner-2.jpg'))!;

let stack: Stack;
let api: ReturnType<typeof apiClient>;
let client: ExamflowClient;

before(async () => {
  stack = await startStack();
  api = apiClient(stack.baseUrl, 'token-school-a');
  client = new ExamflowClient({ baseUrl: stack.baseUrl, token: 'token-school-a' });
});
after(async () => {
  await stack?.stop();
});

function importForm(
  files: Record<string, Buffer | string>,
  fields: Record<string, string> = { id: 'omr-sample5', title: 'OMRChecker sample 5', subject: 'physics', language: 'en' },
): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const [k, v] of Object.entries(files)) form.set(k, new Blob([typeof v === 'string' ? v : new Uint8Array(v)]), k);
  return form;
}

const sample5 = () => ({
  template: sample('sample5', 'template.json'),
  evaluation: sample('sample5', 'evaluation.json'),
  marker: sample('sample5', 'omr_marker.jpg'),
});

test('an imported OMRChecker template grades a scan submitted through POST /v1/exams to OMRChecker’s answers and score', async () => {
  const res = await api.postForm('/v1/templates/import/omrchecker', importForm(sample5()));
  const template = (await res.json()) as Template;
  assert.equal(res.status, 201, JSON.stringify(template));
  assert.equal(res.headers.get('location'), '/v1/templates/omr-sample5');
  assert.match(template.layout!.assets!.marker!, /^data:image\/png;base64,/, 'the marker is stored with the template');
  assert.equal(
    (await api.postForm('/v1/templates/import/omrchecker', importForm(sample5()))).status,
    200,
    'importing the same files again is a no-op',
  );
  assert.deepEqual(await (await api.get('/v1/templates/omr-sample5')).json(), template);
  const printed = await api.get('/v1/templates/omr-sample5/answer-sheet.pdf');
  assert.equal(printed.status, 409, 'no examflow sheet is printed for a third-party layout');
  assert.equal(((await printed.json()) as { error: { code: string } }).error.code, 'third_party_layout');

  const { examId } = await client.submitExam({ templateId: 'omr-sample5', pages: [sample('sample5', 'ScanBatch2', 'camscanner-2.jpg')] });
  const final = await client.waitFor(examId, { timeoutMs: 180_000 });
  assert.equal(final.status, 'completed', `exam failed: ${final.error}`);
  const result = await client.getResult(examId);
  const read = Object.fromEntries(result.questions.map((q) => [`q${q.number}`, q.studentAnswer ?? '']));
  const expected = Object.fromEntries(Object.entries(recorded.columns).filter(([k]) => /^q\d+$/.test(k)));
  assert.deepEqual(read, expected, 'every answer as OMRChecker read it');
  assert.equal(result.score, recorded.score);
  assert.equal(result.student.id, recorded.columns.Roll, 'the bubbled roll number is the student id');
  assert.deepEqual(
    [...new Set(result.questions.map((q) => q.section))],
    ['BOOMERANG_1', 'PROXIMITY_1', 'FIBONACCI_SECTION_1', 'POWER_SECTION_1', 'FIBONACCI_SECTION_2'],
  );
  await stack.env.client.workflow.getHandle(examId).result();
});

test('a page that does not show the layout’s markers fails the exam at once with what to retake', async () => {
  const { examId } = await client.submitExam({ templateId: 'omr-sample5', pages: [sample('community', 'Shamanth', 'omr_sheet_01.png')] });
  const final = await client.waitFor(examId, { timeoutMs: 120_000 });
  assert.equal(final.status, 'failed');
  assert.match(final.error ?? '', /corner markers were not all found/);
});

test('bad imports are clear 4xx answers', async () => {
  const cases: [string, FormData, number, string, RegExp][] = [
    ['no template file', importForm({ evaluation: sample('sample5', 'evaluation.json') }), 400, 'invalid_request', /template\.json/],
    ['template is not JSON', importForm({ template: 'pageDimensions: [1, 2]' }), 400, 'invalid_request', /not JSON/],
    [
      'not an OMRChecker template',
      importForm({ template: '{"fieldBlocks": 3}', evaluation: sample('sample5', 'evaluation.json') }),
      400,
      'invalid_omrchecker_template',
      /pageDimensions/,
    ],
    [
      'CropOnMarkers without its marker',
      importForm({ template: sample('sample5', 'template.json'), evaluation: sample('sample5', 'evaluation.json') }),
      400,
      'invalid_omrchecker_template',
      /marker/,
    ],
    ['no answer key', importForm({ template: sample('sample4', 'template.json') }), 400, 'invalid_omrchecker_template', /evaluation\.json/],
    [
      'a CSV-keyed evaluation without its CSV',
      importForm({
        template: sample('community', 'UmarFarootAPS', 'template.json'),
        evaluation: sample('community', 'UmarFarootAPS', 'evaluation.json'),
        marker: sample('community', 'UmarFarootAPS', 'omr_marker.jpg'),
      }),
      400,
      'invalid_omrchecker_template',
      /answerKey/,
    ],
    [
      'a bad fraction',
      importForm({
        template: sample('sample4', 'template.json'),
        evaluation: JSON.stringify({
          options: { questions_in_order: ['q1..11'], answers_in_order: Array(11).fill('A') },
          marking_schemes: { DEFAULT: { correct: '3', incorrect: '-2/x', unmarked: '0' } },
        }),
      }),
      400,
      'invalid_omrchecker_template',
      /-2\/x/,
    ],
    ['a marker that is no image', importForm({ ...sample5(), marker: 'not an image' }), 415, 'unsupported_media_type', /marker/],
    ['a bad id', importForm(sample5(), { id: 'Bad Id', title: 't', subject: 's', language: 'en' }), 400, 'invalid_request', /id/],
    ['an unexpected file', importForm({ ...sample5(), pages: 'x' }), 400, 'invalid_upload', /unexpected file "pages"/],
  ];
  for (const [what, form, status, code, message] of cases) {
    const res = await api.postForm('/v1/templates/import/omrchecker', form);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, status, `${what}: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, code, what);
    assert.match(body.error.message, message, what);
  }
  const json = await api.postJson('/v1/templates/import/omrchecker', {});
  assert.equal(json.status, 415);
});

test('a layout posted as JSON is validated: fields outside the frame, unknown labels, a marker step without its image', async () => {
  const res = await api.postJson('/v1/templates', {
    id: 'bad-layout',
    title: 't',
    subject: 's',
    language: 'en',
    questions: [
      { number: '1', type: 'choice', points: 1, answer: 'A' },
      { number: '2', type: 'choice', points: 1, answer: 'B' },
    ],
    layout: {
      frame: { width: 100, height: 100 },
      registration: [{ method: 'markers', marker: 'marker' }],
      fields: [
        {
          kind: 'bubbles',
          origin: [10, 10],
          bubble: { width: 10, height: 10 },
          bubblesGap: 30,
          labelsGap: 20,
          values: ['A', 'B', 'C', 'D'],
          direction: 'horizontal',
          labels: ['q1'],
        },
      ],
      studentId: ['roll'],
    },
  });
  const body = (await res.json()) as { error: { code: string; details: { path: string; message: string }[] } };
  assert.equal(res.status, 400);
  const messages = body.error.details.map((d) => `${d.path}: ${d.message}`).join('\n');
  assert.match(messages, /outside the 100×100 frame/);
  assert.match(messages, /no field is labelled "roll"/);
  assert.match(messages, /no asset named "marker"/);
  assert.match(messages, /question 2 has no field on the layout/);
});
