import './helpers/env';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParsedExam } from '../domain/paper';
import { needsTags, ruleDifficulty, ruleKnowledgePoints, tagTemplateByRules, withTags } from '../domain/tagging';
import { subjectOf } from '../domain/taxonomy';
import { templateSchema, type Template, type TemplateQuestion } from '../domain/template';
import { countingCache, memoryCache, tagCacheKey } from '../lib/tagging/tag-cache';
import { closeSharedTestActivities, runAnalyze } from './helpers/activities';

after(() => closeSharedTestActivities());

type Q = Partial<TemplateQuestion> & Pick<TemplateQuestion, 'type' | 'answer'>;
const q = (x: Q): TemplateQuestion => ({ number: '1', points: 5, ...x });
const kps = (subject: string, x: Q, language: Template['language'] = 'zh') => ruleKnowledgePoints(subject, q(x), language);

test('subjects: Chinese and English names, unknown subjects', () => {
  assert.equal(subjectOf('数学'), 'math');
  assert.equal(subjectOf('Math'), 'math');
  assert.equal(subjectOf('mathematics'), 'math');
  assert.equal(subjectOf('物理'), 'physics');
  assert.equal(subjectOf('Chemistry'), 'chemistry');
  assert.equal(subjectOf('语文'), 'chinese');
  assert.equal(subjectOf('english'), 'english');
  assert.equal(subjectOf('英语'), 'english');
  assert.equal(subjectOf('art'), null);
  assert.deepEqual(kps('art', { type: 'fill', answer: '5', text: '解方程 2x+1=11' }), []);
});

test('math taxonomy: equations, Pythagoras, functions, quadrants; English names on English papers', () => {
  assert.deepEqual(kps('math', { type: 'fill', answer: '5', text: '解方程 2x+1=11，x=____' }), ['方程/一元一次方程']);
  assert.deepEqual(kps('数学', { type: 'fill', answer: '5', text: '直角三角形两直角边为3和4，斜边长为____' }), ['三角形/勾股定理']);
  assert.deepEqual(kps('math', { type: 'open', answer: 'a²+b²=c²', keywords: ['勾股定理'] }), ['三角形/勾股定理']);
  assert.deepEqual(
    kps('math', { type: 'choice', answer: 'D', text: '点P(2,-3)所在的象限是', options: ['第一象限', '第二象限', '第三象限', '第四象限'] }),
    ['平面直角坐标系/象限'],
  );
  assert.deepEqual(kps('math', { type: 'fill', answer: '2', text: '一次函数y=2x+1的斜率是' }), ['函数/一次函数']);
  assert.deepEqual(kps('math', { type: 'fill', answer: 'x=1', text: '一元二次方程x²-2x+1=0的根的判别式' }), ['方程/一元二次方程']);
  assert.deepEqual(kps('math', { type: 'fill', answer: '5', text: 'A right triangle has legs 3 and 4. Find the hypotenuse.' }, 'en'), [
    'Triangles/Pythagoras',
  ]);
  assert.deepEqual(kps('math', { type: 'fill', answer: '3', text: 'Solve the linear equation 2x + 1 = 7' }, 'en'), [
    'Equations/Linear equations',
  ]);
});

test('physics, chemistry and Chinese taxonomies', () => {
  assert.deepEqual(kps('physics', { type: 'fill', answer: '2', text: '一个电阻两端电压为6V，通过的电流为3A，电阻为____Ω' }), [
    '电学/欧姆定律',
  ]);
  assert.deepEqual(kps('物理', { type: 'fill', answer: '10', text: '小明骑车的速度是 5 m/s，2 s 内的路程是____m' }), ['力学/速度']);
  assert.deepEqual(kps('physics', { type: 'choice', answer: 'A', text: 'Which mirror forms a virtual image by reflection?' }, 'en'), [
    'Optics/Reflection and refraction',
  ]);
  assert.deepEqual(kps('chemistry', { type: 'fill', answer: '7', text: '中性溶液的 pH 等于____，酸性溶液小于7' }), ['物质分类/酸碱盐']);
  assert.deepEqual(kps('化学', { type: 'open', answer: '2H2+O2=2H2O', text: '写出氢气燃烧的化学方程式并配平' }), [
    '化学反应/化学方程式',
    '身边的化学物质/氧气与二氧化碳',
  ]);
  assert.deepEqual(kps('语文', { type: 'fill', answer: '拟人', text: '“春风抚摸着大地”运用了什么修辞手法？' }), ['句子/修辞手法']);
  assert.deepEqual(kps('chinese', { type: 'fill', answer: '白日依山尽', text: '默写古诗：____，黄河入海流。' }), ['古诗文/古诗词']);
  assert.deepEqual(kps('chinese', { type: 'open', answer: '略', text: '以“成长”为题写一篇作文，不少于600字' }), ['写作/作文']);
});

test('english taxonomy: tenses from the chosen option, articles and prepositions from the answer', () => {
  assert.deepEqual(
    kps(
      'english',
      { type: 'choice', answer: 'B', text: 'She ______ to school by bus every day.', options: ['go', 'goes', 'going', 'gone'] },
      'en',
    ),
    ['Grammar/Tenses'],
  );
  assert.deepEqual(kps('english', { type: 'fill', answer: 'an', text: 'She is ____ honest girl.' }, 'en'), ['Grammar/Articles']);
  assert.deepEqual(kps('english', { type: 'fill', answer: 'cold', text: 'The opposite of hot is ______.' }, 'en'), [
    'Vocabulary/Word meaning',
  ]);
  assert.deepEqual(kps('english', { type: 'truefalse', answer: 'T', text: 'Children is the plural form of child.' }, 'en'), [
    'Grammar/Nouns and plurals',
  ]);
  assert.deepEqual(
    kps(
      '英语',
      { type: 'choice', answer: 'C', text: 'Which word is a noun?', options: ['quickly', 'beautiful', 'happiness', 'run'] },
      'en',
    ),
    ['Vocabulary/Parts of speech'],
  );
  // "is" inside "island" is not the word "is"; nothing here matches the taxonomy.
  assert.deepEqual(kps('english', { type: 'fill', answer: 'island', text: 'Hainan ______' }, 'en'), []);
});

test('a question touching two points gets both (two cues or more each)', () => {
  const got = kps('math', {
    type: 'open',
    points: 12,
    answer: 'y=-2x+4',
    text: '在平面直角坐标系中，一次函数的图象与坐标轴交于A、B两点，求函数的斜率和截距',
  });
  assert.deepEqual(got, ['函数/一次函数', '平面直角坐标系/象限']);
});

test('difficulty rules: type, points, length and cue words', () => {
  assert.equal(ruleDifficulty(q({ type: 'choice', answer: 'A', text: '下列各数中，是无理数的是' })), 'easy');
  assert.equal(ruleDifficulty(q({ type: 'truefalse', answer: 'T' })), 'easy');
  assert.equal(ruleDifficulty(q({ type: 'fill', answer: '5' })), 'easy');
  assert.equal(ruleDifficulty(q({ type: 'fill', answer: '5', points: 10 })), 'medium');
  assert.equal(ruleDifficulty(q({ type: 'multi', answer: 'AC' })), 'medium');
  assert.equal(ruleDifficulty(q({ type: 'open', answer: 'x', points: 8 })), 'medium');
  assert.equal(ruleDifficulty(q({ type: 'open', answer: 'x', points: 15 })), 'hard');
  assert.equal(ruleDifficulty(q({ type: 'open', answer: 'x', points: 6, text: '求证：三角形ABC是等腰三角形' })), 'hard');
  assert.equal(ruleDifficulty(q({ type: 'choice', answer: 'A', text: 'Prove that the angles are equal' })), 'medium');
  assert.equal(
    ruleDifficulty(q({ type: 'choice', answer: 'A', text: 'x'.repeat(81) })),
    'easy',
    'long alone is not enough for a choice question',
  );
  assert.equal(ruleDifficulty(q({ type: 'fill', answer: '5', points: 10, text: '直接写出结果' })), 'easy');
});

test('the template wins: only missing tags are filled', () => {
  const tagged = withTags(q({ type: 'fill', answer: '5', knowledgePoints: ['我的知识点'] }), {
    knowledgePoints: ['方程/一元一次方程'],
    difficulty: 'hard',
  });
  assert.deepEqual(tagged.knowledgePoints, ['我的知识点']);
  assert.equal(tagged.difficulty, 'hard');
  const kept = withTags(q({ type: 'fill', answer: '5', difficulty: 'easy' }), { knowledgePoints: [], difficulty: 'hard' });
  assert.equal(kept.knowledgePoints, undefined, 'no match keeps the type fallback of grading');
  assert.equal(kept.difficulty, 'easy');
  assert.equal(needsTags(q({ type: 'fill', answer: '5', knowledgePoints: ['a'], difficulty: 'easy' })), false);
  assert.equal(needsTags(q({ type: 'fill', answer: '5', knowledgePoints: ['a'] })), true);
});

test('the fixture templates stripped of their tags: every question tagged; zh-math agrees with the hand-written points', () => {
  for (const file of ['zh-math.json', 'en-english.json']) {
    const t = templateSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/templates', file), 'utf8')));
    const stripped: Template = { ...t, questions: t.questions.map(({ knowledgePoints: _k, difficulty: _d, ...rest }) => rest) };
    const { template, sources } = tagTemplateByRules(stripped);
    template.questions.forEach((tq, i) => {
      assert.equal(sources[tq.number], 'rules');
      assert.ok(tq.difficulty && tq.knowledgePoints?.length, `question ${tq.number} of ${file} is tagged`);
      const own = t.questions[i]!.knowledgePoints?.[0];
      // 一次函数/图象与性质 is the one hand-written name the taxonomy spells differently (函数/一次函数).
      if (file === 'zh-math.json' && own && tq.number !== '3')
        assert.ok(tq.knowledgePoints.includes(own), `question ${tq.number}: ${tq.knowledgePoints.join(',')} lacks ${own}`);
    });
  }
});

test('analyze without an LLM: tags are visible on the graded questions and mastery uses them', async () => {
  const template: Template = {
    id: 't',
    title: '数学',
    subject: 'math',
    language: 'zh',
    questions: [
      { number: '1', type: 'fill', points: 5, answer: '5', text: '解方程 2x+1=11，x=____' },
      { number: '2', type: 'fill', points: 5, answer: '5', text: '直角三角形两直角边为3和4，斜边长为____' },
      { number: '3', type: 'choice', points: 5, answer: 'A', knowledgePoints: ['自定义'], difficulty: 'hard' },
    ],
  };
  const parsed: ParsedExam = {
    title: null,
    student: { name: null, class: null, id: null },
    answers: [
      { number: '1', answer: '5', confidence: 0.9, page: 0 },
      { number: '2', answer: '7', confidence: 0.9, page: 0 },
      { number: '3', answer: 'A', confidence: 0.9, page: 0 },
    ],
    missing: [],
  };
  const g = await runAnalyze(template, parsed, null);
  assert.deepEqual(
    g.questions.map((x) => [x.knowledgePoints, x.difficulty, x.tagSource, x.degraded]),
    [
      [['方程/一元一次方程'], 'easy', 'rules', undefined],
      [['三角形/勾股定理'], 'easy', 'rules', undefined],
      [['自定义'], 'hard', 'template', undefined],
    ],
  );
  assert.deepEqual(
    g.knowledgePoints.map((k) => [k.name, k.mastery]),
    [
      ['方程/一元一次方程', 1],
      ['三角形/勾股定理', 0],
      ['自定义', 1],
    ],
  );
  assert.deepEqual(g.byDifficulty, [
    { difficulty: 'easy', awarded: 5, points: 10 },
    { difficulty: 'hard', awarded: 5, points: 5 },
  ]);
  assert.equal(g.degraded, undefined);
});

test('cache: TTL expiry, size bound and hit rate', async () => {
  let now = 1_000;
  const cache = countingCache(memoryCache<string>(3, () => now));
  assert.deepEqual(cache.stats(), { hits: 0, misses: 0, hitRate: 0, size: 0 });
  await cache.set('a', 'A', 7 * 24 * 3600_000);
  assert.equal(await cache.get('a'), 'A');
  assert.equal(await cache.get('b'), undefined);
  now += 7 * 24 * 3600_000 - 1;
  assert.equal(await cache.get('a'), 'A', 'still fresh one millisecond before the TTL');
  now += 1;
  assert.equal(await cache.get('a'), undefined, 'expired at the TTL');
  assert.deepEqual(cache.stats(), { hits: 2, misses: 2, hitRate: 0.5, size: 0 });

  for (const k of ['1', '2', '3', '4']) await cache.set(k, k, 1000);
  assert.equal(cache.size(), 3, 'bounded');
  assert.equal(await cache.get('1'), undefined, 'the oldest entry went first');
  assert.equal(await cache.get('4'), '4');
  await cache.set('x', 'x', 10);
  now += 20;
  await cache.set('y', 'y', 1000); // over the bound: expired entries go before live ones
  assert.equal(await cache.get('2'), undefined, 'expired after 1000 ms anyway');
  cache.resetStats();
  assert.deepEqual(cache.stats().hits + cache.stats().misses, 0);
});

test('cache keys: subject, text and answer all count', () => {
  const k = tagCacheKey('math', '解方程', '5');
  assert.equal(k, tagCacheKey(' Math ', '解方程', '5'));
  assert.notEqual(k, tagCacheKey('physics', '解方程', '5'));
  assert.notEqual(k, tagCacheKey('math', '解方程 ', '5'));
  assert.notEqual(k, tagCacheKey('math', '解方程', '6'));
});
