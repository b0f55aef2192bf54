import './helpers/env';
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { gradeExam, type GradedExam } from '../domain/grade';
import type { ParsedExam } from '../domain/paper';
import type { Template } from '../domain/template';
import { loadConfig } from '../lib/config';
import { chatJson, LlmError, retryAfterMs } from '../lib/llm/client';
import { llmSettings, type LlmSettings } from '../lib/llm/settings';
import { countingCache, memoryCache } from '../lib/tagging/tag-cache';
import type { QuestionTags } from '../domain/tagging';
import { z } from '../lib/zod';
import { startFakeLlm, type FakeLlm, type FakeReply, type SeenRequest } from './helpers/fake-llm';
import { closeSharedTestActivities, runAnalyze, runDiagnose } from './helpers/activities';

// The real HTTP path of the LLM provider against a scripted fake on 127.0.0.1: success,
// retries, and every failure falling back to the rules with `degraded` set.

let fake: FakeLlm;
let llm: LlmSettings;
before(async () => {
  fake = await startFakeLlm();
  llm = { baseUrl: fake.baseUrl, model: 'test-model', apiKey: 'sk-test', timeoutMs: 300, maxRetries: 2, retryBaseMs: 20 };
});
after(() => Promise.all([fake.close(), closeSharedTestActivities()]));
beforeEach(() => fake.reset());

const zh: Template = {
  id: 'g8-math',
  title: '八年级数学',
  subject: 'math',
  language: 'zh',
  questions: [
    { number: '1', type: 'fill', points: 5, answer: '5', text: '解方程 2x+1=11，x=____' },
    { number: '2', type: 'choice', points: 5, answer: 'B', knowledgePoints: ['实数/无理数'], difficulty: 'easy' },
    { number: '3', type: 'open', points: 10, answer: 'a²+b²=c²', keywords: ['勾股定理', '直角', '斜边'], text: '写出直角三角形三边的关系' },
  ],
};
/** The same paper with every question tagged: no tagging call, so only the rubric talks to the fake. */
const zhTagged: Template = {
  ...zh,
  questions: zh.questions.map((q) => ({
    ...q,
    knowledgePoints: q.knowledgePoints ?? [`知识点${q.number}`],
    difficulty: q.difficulty ?? 'medium',
  })),
};
const en: Template = {
  ...zhTagged,
  id: 'g8-math-en',
  title: 'Grade 8 Math',
  language: 'en',
  questions: zhTagged.questions.map((q, i) => ({ ...q, knowledgePoints: [['Equations', 'Real numbers', 'Pythagoras'][i]!] })),
};

const parsed: ParsedExam = {
  title: null,
  student: { name: null, class: null, id: null },
  answers: [
    { number: '1', answer: '5', confidence: 0.9, page: 0 },
    { number: '2', answer: 'C', confidence: 0.9, page: 0 },
    { number: '3', answer: '由勾股定理可得', confidence: 0.9, page: 0 }, // keywords: 1 of 3 → 3.5 of 10
  ],
  missing: [],
};

const tagReply = (req: SeenRequest): FakeReply => ({
  content: {
    questions: (req.data.questions as { number: string }[]).map((q) => ({
      number: q.number,
      knowledgePoints: [`LLM/${q.number}`],
      difficulty: 'hard',
    })),
  },
});
const rubricReply: FakeReply = { content: { score: 6, feedback: '思路正确，但缺少推导过程。' } };
const diagnosisReply = (graded: GradedExam, lang: 'zh' | 'en'): FakeReply => {
  const weak = graded.knowledgePoints.filter((k) => k.mastery < 0.6).map((k) => k.name);
  const strong = graded.knowledgePoints.filter((k) => k.mastery >= 0.85).map((k) => k.name);
  return {
    content:
      lang === 'zh'
        ? {
            summary: '孩子本次基础题完成得不错，实数部分需要加强。',
            weakPoints: weak,
            strengths: strong,
            recommendations: weak.map((w) => `复习「${w}」并订正第 2 题。`),
          }
        : {
            summary: 'A solid result on the basics; real numbers need work.',
            weakPoints: weak,
            strengths: strong,
            recommendations: weak.map((w) => `Review ${w} and redo question 2.`),
          },
  };
};

const freshCache = () => countingCache(memoryCache<QuestionTags>(100));

// Every way a provider can fail; each must end in the rules' result, marked degraded.
const failures: { name: string; replies: FakeReply[]; calls: number }[] = [
  { name: 'HTTP 500 on every attempt (retried, then given up)', replies: [{ status: 500 }, { status: 502 }, { status: 503 }], calls: 3 },
  { name: 'a timeout (not retried)', replies: [{ hang: true }], calls: 1 },
  { name: 'content that is not JSON', replies: [{ content: 'Sure! Here you go: {"questions": [' }], calls: 1 },
  { name: 'JSON that does not match the schema', replies: [{ content: { answer: 42 } }], calls: 1 },
  { name: 'a body that is not a chat completion', replies: [{ body: '<html>bad gateway</html>' }], calls: 1 },
  { name: 'HTTP 401 (not retried)', replies: [{ status: 401 }], calls: 1 },
];

test('settings: no API key = no provider; DeepSeek defaults otherwise', () => {
  assert.equal(llmSettings(loadConfig({})), null);
  assert.equal(llmSettings(loadConfig({ EXAMFLOW_LLM_API_KEY: '  ' })), null);
  assert.deepEqual(llmSettings(loadConfig({ EXAMFLOW_LLM_API_KEY: 'sk-1' })), {
    baseUrl: 'https://api.deepseek.com',
    model: 'deepseek-chat',
    apiKey: 'sk-1',
    timeoutMs: 20_000,
    maxRetries: 2,
  });
  const c = loadConfig({
    EXAMFLOW_LLM_API_KEY: 'k',
    EXAMFLOW_LLM_BASE_URL: 'http://127.0.0.1:9/v1',
    EXAMFLOW_LLM_MODEL: 'm',
    EXAMFLOW_LLM_TIMEOUT_MS: '500',
    EXAMFLOW_LLM_MAX_RETRIES: '0',
  });
  assert.deepEqual(llmSettings(c), { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'k', timeoutMs: 500, maxRetries: 0 });
  assert.equal(loadConfig({}).EXAMFLOW_TAG_CACHE_TTL_HOURS, 168);
});

test('Retry-After: seconds or an HTTP date', () => {
  assert.equal(retryAfterMs('2'), 2000);
  assert.equal(retryAfterMs('0.5'), 500);
  assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 7_000), 3000);
  assert.equal(retryAfterMs(null), null);
  assert.equal(retryAfterMs('soon'), null);
});

test('client: the request is an OpenAI-compatible JSON-mode chat completion', async () => {
  fake.script('other', { content: { ok: true } });
  const out = await chatJson(
    llm,
    [
      { role: 'system', content: 'x' },
      { role: 'user', content: '{}' },
    ],
    z.object({ ok: z.boolean() }),
  );
  assert.deepEqual(out, { ok: true });
  const [req] = fake.requests;
  assert.ok(req);
  assert.equal(req.path, '/chat/completions');
  assert.equal(req.authorization, 'Bearer sk-test');
  assert.equal(req.body.model, 'test-model');
  assert.deepEqual(req.body.response_format, { type: 'json_object' });
});

test('client: a Retry-After beyond the time budget is not waited for', async () => {
  fake.script('other', { status: 429, headers: { 'retry-after': '5' } });
  const started = Date.now();
  await assert.rejects(
    chatJson(llm, [{ role: 'system', content: 'x' }], z.object({}), { deadline: Date.now() + 1000 }),
    (e: unknown) => e instanceof LlmError && e.status === 429,
  );
  assert.ok(Date.now() - started < 900, 'gave up at once');
  assert.equal(fake.count('other'), 1);
});

test('tagging: LLM tags only for untagged questions, visible on the result; the cache answers the next paper', async () => {
  fake.setDefault('tagging', tagReply);
  fake.setDefault('rubric', rubricReply);
  const cache = freshCache();
  const g = await runAnalyze(zh, parsed, llm, { cache, ttlMs: 60_000 });
  const asked = fake.requests.find((r) => r.kind === 'tagging')!;
  assert.deepEqual(
    (asked.data.questions as { number: string }[]).map((q) => q.number),
    ['1', '3'],
  );
  assert.deepEqual(
    g.questions.map((q) => [q.knowledgePoints, q.difficulty, q.tagSource]),
    [
      [['LLM/1'], 'hard', 'llm'],
      [['实数/无理数'], 'easy', 'template'],
      [['LLM/3'], 'hard', 'llm'],
    ],
  );
  assert.deepEqual(
    g.knowledgePoints.map((k) => k.name),
    ['LLM/1', '实数/无理数', 'LLM/3'],
    'mastery uses the tags',
  );
  assert.equal(g.degraded, undefined);
  assert.deepEqual(cache.stats(), { hits: 0, misses: 2, hitRate: 0, size: 2 });

  const again = await runAnalyze(zh, parsed, llm, { cache, ttlMs: 60_000 });
  assert.equal(fake.count('tagging'), 1, 'the second paper of the same exam costs no tagging call');
  assert.deepEqual(
    again.questions.map((q) => q.tagSource),
    ['llm', 'template', 'llm'],
  );
  assert.deepEqual(cache.stats(), { hits: 2, misses: 2, hitRate: 0.5, size: 2 });
});

test('tagging: 429 with Retry-After, then success: the wait is honoured', async () => {
  fake.script('tagging', { status: 429, headers: { 'retry-after': '1' } }, tagReply);
  fake.setDefault('rubric', rubricReply);
  const g = await runAnalyze(zh, parsed, llm, { cache: freshCache() });
  const calls = fake.requests.filter((r) => r.kind === 'tagging');
  assert.equal(calls.length, 2);
  assert.ok(calls[1]!.at - calls[0]!.at >= 950, `waited only ${calls[1]!.at - calls[0]!.at} ms`);
  assert.deepEqual(g.questions[0]!.knowledgePoints, ['LLM/1']);
  assert.equal(g.degraded, undefined);
});

for (const f of failures) {
  test(`tagging: ${f.name} → rule tags, degraded`, async () => {
    fake.script('tagging', ...f.replies);
    fake.setDefault('rubric', rubricReply);
    const cache = freshCache();
    const started = Date.now();
    const g = await runAnalyze(zh, parsed, llm, { cache });
    assert.ok(Date.now() - started < 3000, 'bounded');
    assert.equal(fake.count('tagging'), f.calls);
    assert.deepEqual(
      g.questions.map((q) => [q.knowledgePoints, q.tagSource, q.degraded]),
      [
        [['方程/一元一次方程'], 'rules', true],
        [['实数/无理数'], 'template', undefined],
        [['三角形/勾股定理'], 'rules', true],
      ],
    );
    assert.equal(g.degraded, true);
    assert.equal(cache.size(), 0, 'failures are not cached');
    // The diagnosis reports it, whether it comes from the rules or from the LLM.
    const rules = await runDiagnose(zh, g, null);
    assert.deepEqual([rules.source, rules.degraded], ['rules', true]);
    fake.script('diagnosis', diagnosisReply(g, 'zh'));
    const byLlm = await runDiagnose(zh, g, llm);
    assert.deepEqual([byLlm.source, byLlm.degraded], ['llm', true]);
  });
}

test('rubric: the LLM grades open answers that need judging; exact keys and blanks are not sent', async () => {
  fake.setDefault('rubric', rubricReply);
  const g = await runAnalyze(zhTagged, parsed, llm);
  assert.equal(fake.count('tagging'), 0, 'a fully tagged template needs no tagging');
  assert.equal(fake.count('rubric'), 1);
  const req = fake.requests[0]!;
  assert.equal(req.data.studentAnswer, '由勾股定理可得');
  assert.equal(req.data.referenceAnswer, 'a²+b²=c²');
  const q3 = g.questions[2]!;
  assert.deepEqual(
    [q3.awarded, q3.gradedBy, q3.feedback, q3.correct, q3.degraded],
    [6, 'llm', '思路正确，但缺少推导过程。', false, undefined],
  );
  assert.equal(g.questions[0]!.gradedBy, 'rules');
  assert.equal(g.score, 11);

  fake.reset();
  const exact: ParsedExam = {
    ...parsed,
    answers: [...parsed.answers.slice(0, 2), { number: '3', answer: 'a² + b² = c²', confidence: 0.9, page: 0 }],
  };
  const blank: ParsedExam = { ...parsed, answers: parsed.answers.slice(0, 2), missing: ['3'] };
  assert.equal((await runAnalyze(zhTagged, exact, llm)).questions[2]!.awarded, 10);
  assert.equal((await runAnalyze(zhTagged, blank, llm)).questions[2]!.awarded, 0);
  assert.equal(fake.count('rubric'), 0);
});

test('rubric: 429 then success; scores round to 0.5', async () => {
  fake.script('rubric', { status: 429, headers: { 'retry-after': '0' } }, { content: { score: 7.3, feedback: 'ok' } });
  const g = await runAnalyze(zhTagged, parsed, llm);
  assert.equal(fake.count('rubric'), 2);
  assert.deepEqual([g.questions[2]!.awarded, g.questions[2]!.gradedBy], [7.5, 'llm']);
});

test('rubric: 503 without Retry-After is retried with backoff', async () => {
  fake.script('rubric', { status: 503 }, rubricReply);
  const g = await runAnalyze(zhTagged, parsed, llm);
  assert.equal(fake.count('rubric'), 2);
  assert.equal(g.questions[2]!.awarded, 6);
});

for (const f of [
  ...failures,
  { name: 'a score above the question’s points', replies: [{ content: { score: 11, feedback: '' } }], calls: 1 },
]) {
  test(`rubric: ${f.name} → keyword credit, degraded`, async () => {
    fake.script('rubric', ...f.replies);
    const g = await runAnalyze(zhTagged, parsed, llm);
    assert.equal(fake.count('rubric'), f.calls);
    const q3 = g.questions[2]!;
    assert.deepEqual([q3.awarded, q3.gradedBy, q3.degraded, q3.feedback], [3.5, 'rules', true, undefined]);
    assert.equal(g.degraded, true);
    assert.equal(g.questions[0]!.degraded, undefined, 'other questions are not marked');
    const d = await runDiagnose(zhTagged, g, null);
    assert.deepEqual([d.source, d.degraded], ['rules', true]);
  });
}

const gradedZh = gradeExam(zhTagged, parsed);
const gradedEn = gradeExam(en, parsed);

test('diagnosis: the LLM fills the Diagnosis shape in the paper language', async () => {
  fake.script('diagnosis', diagnosisReply(gradedZh, 'zh'), diagnosisReply(gradedEn, 'en'));
  const d = await runDiagnose(zhTagged, gradedZh, llm);
  assert.deepEqual([d.source, d.degraded], ['llm', false]);
  assert.match(d.summary, /实数/);
  assert.deepEqual(d.weakPoints, ['实数/无理数', '知识点3']);
  assert.deepEqual(d.strengths, ['知识点1']);
  assert.equal(d.recommendations.length, 2);
  const req = fake.requests[0]!;
  assert.equal(req.data.score, gradedZh.score);
  assert.match(req.body.messages[0]!.content, /Simplified Chinese/);
  const e = await runDiagnose(en, gradedEn, llm);
  assert.deepEqual([e.source, e.degraded], ['llm', false]);
  assert.match(fake.requests[1]!.body.messages[0]!.content, /in English/);
});

test('diagnosis: 429 then success', async () => {
  fake.script('diagnosis', { status: 429, headers: { 'retry-after': '0' } }, diagnosisReply(gradedZh, 'zh'));
  const d = await runDiagnose(zhTagged, gradedZh, llm);
  assert.equal(fake.count('diagnosis'), 2);
  assert.equal(d.source, 'llm');
});

const wrongLanguage = (): FakeReply => diagnosisReply(gradedZh, 'zh'); // Chinese text for an English paper
const unknownPoint: FakeReply = {
  content: { summary: '还需努力。', weakPoints: ['不存在的知识点'], strengths: [], recommendations: ['多练习。'] },
};
for (const f of [
  ...failures,
  { name: 'text in the wrong language', replies: [wrongLanguage()], calls: 1, template: en, graded: gradedEn },
  { name: 'a weak point that is not a knowledge point of the paper', replies: [unknownPoint], calls: 1 },
]) {
  test(`diagnosis: ${f.name} → the rules' diagnosis, degraded`, async () => {
    const t = 'template' in f ? f.template : zhTagged;
    const graded = 'graded' in f ? f.graded : gradedZh;
    fake.script('diagnosis', ...f.replies);
    const d = await runDiagnose(t, graded, llm);
    assert.equal(fake.count('diagnosis'), f.calls);
    assert.deepEqual([d.source, d.degraded], ['rules', true]);
    const { source: _s, degraded: _d, ...rules } = await runDiagnose(t, graded, null);
    const { source: _s2, degraded: _d2, ...got } = d;
    assert.deepEqual(got, rules, 'exactly the rule-based diagnosis');
  });
}

test('tagging: a large paper goes in chunks of 20; a failed chunk falls back alone', async () => {
  const many: Template = {
    ...zh,
    questions: Array.from({ length: 25 }, (_, i) => ({
      number: String(i + 1),
      type: 'fill' as const,
      points: 2,
      answer: '5',
      text: `解方程 x+${i}=${i + 5}`,
    })),
  };
  // The chunk holding question 1 fails on every attempt; the other succeeds.
  fake.setDefault('tagging', (req) => ((req.data.questions as { number: string }[])[0]!.number === '1' ? { status: 500 } : tagReply(req)));
  const g = await runAnalyze(many, { ...parsed, answers: [], missing: [] }, llm, { cache: freshCache() });
  assert.equal(fake.count('tagging'), 1 + 2 + 1, 'two chunks, the failing one retried twice');
  assert.deepEqual(
    g.questions.slice(0, 20).map((q) => q.tagSource),
    Array(20).fill('rules'),
  );
  assert.deepEqual(
    g.questions.slice(20).map((q) => [q.tagSource, q.knowledgePoints[0]]),
    ['21', '22', '23', '24', '25'].map((n) => ['llm', `LLM/${n}`]),
  );
  assert.equal(g.questions[0]!.degraded, true);
  assert.equal(g.questions[24]!.degraded, undefined);
  assert.equal(g.questions[0]!.knowledgePoints[0]!, '方程/一元一次方程');
});
