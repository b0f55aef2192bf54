import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPdf } from '../lib/documents/report-pdf';
import { diagnose } from '../domain/diagnose';
import type { ResultDocument } from '../domain/documents';
import { gradeExam } from '../domain/grade';
import type { ParsedExam } from '../domain/paper';
import { renderReportHtml } from '../domain/report-html';
import { buildResult } from '../domain/result';
import type { Template } from '../domain/template';
import { closeSharedBrowser, pdfChromium, sharedBrowser, sharedChromium } from '../lib/documents/browser';
import { config } from '../lib/config';
import { openPdf, renderPdf as pdfPageImages } from '../lib/documents/pdf-pages';
import { ReportFonts } from '../lib/documents/report-fonts';

after(() => closeSharedBrowser());

/** A PDF's pages as pdftoppm rasters them (PNG). */
async function pagesOf(pdf: Buffer): Promise<Buffer[]> {
  const file = await openPdf(pdf);
  try {
    return await pdfPageImages(file);
  } finally {
    await file.dispose();
  }
}

const zhTemplate: Template = {
  id: 'g8-math-midterm',
  title: '八年级数学 期中考试',
  subject: '数学',
  grade: '8',
  language: 'zh',
  questions: [
    { number: '1', type: 'choice', points: 5, answer: 'B', knowledgePoints: ['实数/无理数'], difficulty: 'easy' },
    { number: '2', type: 'choice', points: 5, answer: 'D', knowledgePoints: ['实数/无理数'], difficulty: 'easy' },
    { number: '3', type: 'multi', points: 6, answer: 'AC', knowledgePoints: ['二次根式'], difficulty: 'medium' },
    { number: '4', type: 'truefalse', points: 4, answer: 'T', knowledgePoints: ['勾股定理'] },
    { number: '5', type: 'truefalse', points: 4, answer: 'F', knowledgePoints: ['全等三角形的判定'] },
    { number: '6', type: 'fill', points: 8, answer: '5', accept: ['5.0', '五'], knowledgePoints: ['勾股定理'], difficulty: 'easy' },
    { number: '7', type: 'fill', points: 8, answer: '1/2', knowledgePoints: ['一次函数'], difficulty: 'medium' },
    { number: '8', type: 'fill', points: 8, answer: 'y=2x+1', knowledgePoints: ['一次函数'], difficulty: 'medium' },
    { number: '9', type: 'fill', points: 8, answer: '√3', knowledgePoints: ['二次根式'] },
    {
      number: '10',
      type: 'open',
      points: 14,
      answer: 'a²+b²=c²',
      keywords: ['勾股定理', '直角', '斜边'],
      knowledgePoints: ['勾股定理'],
      difficulty: 'hard',
    },
    {
      number: '11',
      type: 'open',
      points: 15,
      answer: 'SAS',
      keywords: ['SAS', '全等', '对应边'],
      knowledgePoints: ['全等三角形的判定'],
      difficulty: 'hard',
    },
    {
      number: '12',
      type: 'open',
      points: 15,
      answer: 'k=-2',
      keywords: ['斜率', '代入'],
      knowledgePoints: ['一次函数'],
      difficulty: 'hard',
    },
  ],
};

const zhParsed: ParsedExam = {
  title: '八年级数学 期中考试',
  student: { name: '李小明', class: '八年级（2）班', id: '20240815' },
  answers: [
    { number: '1', answer: 'B', confidence: 0.97, page: 0 },
    { number: '2', answer: 'A', confidence: 0.95, page: 0 },
    { number: '3', answer: 'A', confidence: 0.91, page: 0 },
    { number: '4', answer: '√', confidence: 0.93, page: 0 },
    { number: '5', answer: '√', confidence: 0.72, page: 0 },
    { number: '6', answer: '五', confidence: 0.9, page: 0 },
    { number: '7', answer: '0.5', confidence: 0.88, page: 0 },
    { number: '8', answer: '<script>alert(1)</script>', confidence: 0.61, page: 1 },
    { number: '10', answer: '因为三角形是直角三角形，由勾股定理得斜边 c 满足 a² + b² = c²，所以 c = 5。', confidence: 0.86, page: 1 },
    { number: '11', answer: '两边及其夹角对应相等，所以两个三角形全等', confidence: 0.83, page: 1 },
    { number: '12', answer: null, confidence: 0.9, page: 1 },
  ],
  missing: ['9'],
};

function result(template: Template, parsed: ParsedExam): ResultDocument {
  const graded = gradeExam(template, parsed);
  return buildResult({
    examId: `exam-${template.id}-0001`,
    template,
    parsed,
    graded,
    diagnosis: diagnose(template, graded),
    student: {},
    gradedAt: new Date('2024-11-08T06:30:00.000Z'),
  });
}

const enTemplate: Template = {
  id: 'g7-science',
  title: 'Grade 7 Science Quiz',
  subject: 'science',
  language: 'en',
  questions: [
    { number: '1', type: 'choice', points: 10, answer: 'C', knowledgePoints: ['Cells'] },
    { number: '2', type: 'truefalse', points: 10, answer: 'F', knowledgePoints: ['Cells'] },
    { number: '3', type: 'fill', points: 10, answer: 'photosynthesis', knowledgePoints: ['Plants'] },
    { number: '4', type: 'open', points: 20, answer: 'evaporation', keywords: ['evaporation', 'condensation'] },
  ],
};
const enParsed: ParsedExam = {
  title: null,
  student: { name: 'Tom O\'Brien & "Tiny"', class: '7B', id: null },
  answers: [
    { number: '1', answer: 'C', confidence: 0.96, page: 0 },
    { number: '2', answer: 'T', confidence: 0.94, page: 0 },
    { number: '3', answer: 'Photosynthesis.', confidence: 0.92, page: 0 },
    { number: '4', answer: 'Water evaporates (evaporation) and then rains', confidence: 0.7, page: 0 },
  ],
  missing: [],
};

test('zh report: student, score, every question, review flags, escaping, no external resources', () => {
  const r = result(zhTemplate, zhParsed);
  const html = renderReportHtml(r);
  assert.match(html, /^<!DOCTYPE html>/);
  for (const s of [
    '李小明',
    '八年级（2）班',
    '20240815',
    '八年级数学 期中考试',
    `${r.score}`,
    '/ 100',
    '请老师复核',
    '未识别',
    '知识点掌握情况',
    '实数/无理数',
  ]) {
    assert.ok(html.includes(s), `missing ${s}`);
  }
  for (const q of r.questions) assert.match(html, new RegExp(`<td class="num">${q.number}</td>`));
  assert.ok(!html.includes('<script>'), 'a student answer must never become markup');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.doesNotMatch(html, /<script|<link|@import|url\(|src=|https?:\/\//i);
  assert.ok(html.includes(r.diagnosis.summary));
  for (const rec of r.diagnosis.recommendations) assert.ok(html.includes(rec));
  assert.ok(html.includes(r.examId) && html.includes('2024-11-08 06:30 UTC'));
});

test('en report: English labels and escaped names', () => {
  const html = renderReportHtml(result(enTemplate, enParsed));
  assert.match(html, /<html lang="en">/);
  for (const s of [
    'Student answer',
    'Correct answer',
    'please check',
    'Knowledge-point mastery',
    'Tom O&#39;Brien &amp; &quot;Tiny&quot;',
    'Open-ended',
  ]) {
    assert.ok(html.includes(s), `missing ${s}`);
  }
  assert.doesNotMatch(html, /学生答案|请老师复核/);
});

test('renderPdf: an A4 PDF of the zh report', async () => {
  const pdf = await renderPdf(sharedChromium(), renderReportHtml(result(zhTemplate, zhParsed)));
  assert.ok(Buffer.isBuffer(pdf));
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.length > 10_000, `only ${pdf.length} bytes`);
  // A4 is 595 × 842 points.
  assert.match(pdf.toString('latin1'), /\/MediaBox \[0 0 595\.\d+ 841\.\d+\]/);
});

test('renderPdf: the report faces cut to its characters print exactly what the system fonts print', async () => {
  const html = renderReportHtml(result(zhTemplate, zhParsed));
  const embedded = new ReportFonts().embedSubsets(html);
  const faces =
    embedded.match(/@font-face\{font-family:"Noto (Sans|Serif) CJK SC";font-weight:(400|700);src:url\(data:font\/otf;base64,[^)]+\)\}/g) ??
    [];
  assert.equal(faces.length, 4, 'Sans and Serif, regular and bold');
  assert.ok(embedded.length - html.length < 1_000_000, `${embedded.length - html.length} bytes of fonts: subsets, not the faces`);
  const withSystemFonts = await sharedChromium().pages.withPage(async (page) => {
    await page.setContent(html, { waitUntil: 'load' });
    return Buffer.from(await page.pdf({ format: 'A4', printBackground: true }));
  });
  const [expected, actual] = await Promise.all([pagesOf(withSystemFonts), pagesOf(await renderPdf(sharedChromium(), html))]);
  assert.equal(actual.length, expected.length);
  actual.forEach((png, i) => assert.ok(png.equals(expected[i]!), `page ${i + 1} differs`));
});

test('renderPdf: the headless shell that prints the worker’s reports prints exactly what the browser prints', async (t) => {
  const shell = pdfChromium(config());
  t.after(() => shell.close());
  const html = renderReportHtml(result(zhTemplate, zhParsed));
  const [expected, actual] = await Promise.all([renderPdf(sharedChromium(), html).then(pagesOf), renderPdf(shell, html).then(pagesOf)]);
  assert.match(await (await shell.browser()).version(), /^HeadlessChrome\//, 'chromium-headless-shell is installed (npm run setup)');
  assert.equal(actual.length, expected.length);
  actual.forEach((png, i) => assert.ok(png.equals(expected[i]!), `page ${i + 1} differs`));
});

test('renderPdf: the en report prints in Latin fonts, and pages are closed after each render', async () => {
  const pdf = await renderPdf(sharedChromium(), renderReportHtml(result(enTemplate, enParsed)));
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(pdf.toString('latin1'), /LiberationSans/);
  const pages = await (await sharedBrowser()).pages();
  assert.ok(pages.length <= 1, `${pages.length} pages left open`); // the initial about:blank at most
});

test('renderPdf: a browser that dies mid-render surfaces as a thrown Error, and the next render relaunches it', async () => {
  const browser = await sharedBrowser();
  // The rejection handler is attached before the crash, so the failure is never unhandled.
  const failed = assert.rejects(
    renderPdf(sharedChromium(), renderReportHtml(result(zhTemplate, zhParsed))),
    (err: unknown) => err instanceof Error && /could not render the report PDF/.test(err.message),
  );
  await browser.close(); // what a Chromium crash looks like to the render in flight
  await failed;
  const pdf = await renderPdf(sharedChromium(), '<!DOCTYPE html><p>ok</p>');
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
});

test('zh report: difficulty breakdown, tags per question, diagnosis source; no degraded note when all went well', () => {
  const r = result(zhTemplate, zhParsed);
  const html = renderReportHtml(r);
  assert.ok(html.includes('各难度得分'));
  for (const d of r.byDifficulty)
    assert.ok(html.includes({ easy: '容易', medium: '中等', hard: '较难', unspecified: '未标注' }[d.difficulty]!), d.difficulty);
  assert.equal((html.match(/<svg class="chart"/g) ?? []).length, 2, 'mastery and difficulty charts, inline SVG');
  assert.match(html, /选择题<div class="small muted">实数\/无理数 · 容易<\/div>/);
  assert.ok(html.includes('诊断方式：规则分析'));
  assert.doesNotMatch(html, /class="degraded"/);
  assert.doesNotMatch(html, /AI 评分/);
});

test('report: an LLM diagnosis, an LLM-graded answer with feedback, and a degraded run are all visible', () => {
  const base = result(zhTemplate, zhParsed);
  const questions = base.questions.map((q) =>
    q.number === '10' ? { ...q, gradedBy: 'llm' as const, feedback: '思路正确 <b>但</b> 缺少单位' } : q,
  );
  const html = renderReportHtml({ ...base, questions, diagnosis: { ...base.diagnosis, source: 'llm', degraded: true } });
  assert.ok(html.includes('诊断方式：AI 大模型分析'));
  assert.match(html, /<p class="degraded">注意：AI 分析服务本次未能完成/);
  assert.ok(html.includes('AI 评分'));
  assert.ok(html.includes('思路正确 &lt;b&gt;但&lt;/b&gt; 缺少单位'));
  assert.doesNotMatch(html, /<script|<link|@import|url\(|src=|https?:\/\//i);
});

test('en report: difficulty, source and degraded note in English', () => {
  const base = result(enTemplate, enParsed);
  const html = renderReportHtml({ ...base, diagnosis: { ...base.diagnosis, degraded: true } });
  for (const s of ['Score by difficulty', 'Not rated', 'Diagnosis: rule-based analysis', 'Note: the AI analysis did not complete'])
    assert.ok(html.includes(s), `missing ${s}`);
  assert.doesNotMatch(html, /[\u4e00-\u9fff]/, 'no Chinese in an English report');
});

test('answer-sheet results: section + number, each bubble answer with its flags, and the box as written', () => {
  const template: Template = {
    id: 'sheet-quiz',
    title: '单元测验',
    subject: '数学',
    language: 'zh',
    questions: [
      { number: '1', section: '一', type: 'choice', points: 3, answer: 'A' },
      { number: '1', section: '二', type: 'multi', points: 4, answer: 'BD' },
      { number: '2', section: '二', type: 'fill', points: 5, answer: '12' },
    ],
  };
  const parsed: ParsedExam = {
    title: template.title,
    student: { name: null, class: null, id: '20230017' },
    answers: [
      { number: '1', section: '一', answer: 'AC', confidence: 0.97, page: 0, flags: ['double'] },
      { number: '1', section: '二', answer: 'B', confidence: 0.95, page: 0, flags: ['erased', 'faint'] },
      { number: '2', section: '二', answer: '12', confidence: 0.7, page: 0, flags: ['low_confidence'], imageKey: 'k' },
    ],
    missing: [],
  };
  const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  const html = renderReportHtml(result(template, parsed), { '二/2': pixel, '一/1': 'javascript:alert(1)' });
  for (const text of ['一·1', '二·1', '二·2', '多涂', '有擦除', '填涂过浅', '识别存疑', 'AC']) assert.ok(html.includes(text), text);
  assert.equal((html.match(/<img class="written"/g) ?? []).length, 1, 'only a real image is embedded');
  assert.ok(!html.includes('javascript:'));
  assert.equal((html.match(/<tr class="review">/g) ?? []).length, 3, 'flagged rows are highlighted for review');
});
