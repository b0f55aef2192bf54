import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExam, normalizeLine } from '../domain/parse';
import type { OcrPage } from '../domain/paper';
import { templateSchema, type Template } from '../domain/template';

// The parser over hand-written OCR-like text: every numbering variant and answer
// convention domain/parse.ts accepts, plus the noise real OCR produces.

const zh: Template = templateSchema.parse({
  id: 'zh-test',
  title: '八年级数学 期中考试',
  subject: 'math',
  language: 'zh',
  questions: [
    { number: '1', type: 'choice', points: 5, answer: 'B' },
    { number: '2', type: 'multi', points: 5, answer: 'AC' },
    { number: '3', type: 'truefalse', points: 5, answer: 'T' },
    { number: '4', type: 'truefalse', points: 5, answer: 'F' },
    { number: '5', type: 'fill', points: 5, answer: '5' },
    { number: '6', type: 'open', points: 10, answer: '勾股定理' },
  ],
});

function page(text: string, pageIndex = 0, confidence = 0.9): OcrPage {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((t) => ({ text: t, confidence }));
  return { pageIndex, text, lines, confidence };
}

const answersOf = (pages: OcrPage[], template: Template = zh) =>
  Object.fromEntries(parseExam(pages, template).answers.map((a) => [a.number, a.answer]));

test('normalizeLine folds full-width characters and removes spaces between CJK characters', () => {
  assert.equal(normalizeLine('（１） 下 列 各 数 中 ， 是 无 理 数 的 是 （ Ｂ ）'), '(1) 下列各数中, 是无理数的是 (B)');
  assert.equal(normalizeLine('答 ： 对'), '答: 对');
});

test('header, title and every numbering variant', () => {
  const parsed = parseExam(
    [
      page(`八年级数学 期中考试
姓名：李明  班级：八(2)班  学号：2023O415
一、选择题
1. 下列各数中，是无理数的是（ B ）
A. 3.14 B. √2 C. 1/3 D. 0
2、下列各数中，是有理数的是（ A C ）
A. 1 B. √3 C. 0 D. π
二、判断题
（3）等腰三角形的两个底角相等。（ √ ）
第4题 两个无理数的和一定是无理数。（ × ）
三、填空题
5. 直角三角形两条直角边分别为3和4，则斜边长为______。
答：5
四、解答题
6. 写出直角三角形三边的关系。
答：勾股定理`),
    ],
    zh,
  );
  assert.equal(parsed.title, '八年级数学期中考试', 'spaces between CJK characters are OCR noise and removed');
  assert.deepEqual(parsed.student, { name: '李明', class: '八(2)班', id: '20230415' });
  assert.deepEqual(parsed.missing, []);
  assert.deepEqual(
    parsed.answers.map((a) => [a.number, a.answer, a.page]),
    [
      ['1', 'B', 0],
      ['2', 'AC', 0],
      ['3', 'T', 0],
      ['4', 'F', 0],
      ['5', '5', 0],
      ['6', '勾股定理', 0],
    ],
  );
});

test('every answer label and every true/false mark', () => {
  for (const [label, t, f] of [
    ['答：', '对', '错'],
    ['答案：', '√', '×'],
    ['学生答案：', 'T', 'F'],
    ['答:', 'V', 'x'],
  ]) {
    const text = `1. 选择（ ）\nA. 甲 B. 乙\n${label}B\n2. 多选\n${label}C A\n3. 判断（ ）\n${label}${t}\n4. 判断\n${label}${f}\n5. 填空____\n${label} 5 。\n6. 解答\n${label}勾股定理`;
    assert.deepEqual(answersOf([page(text)]), { 1: 'B', 2: 'AC', 3: 'T', 4: 'F', 5: '5', 6: '勾股定理' }, label);
  }
});

test('blank answers are null, a question not on the paper is missing (never invented)', () => {
  const parsed = parseExam([page('1. 选择（ ）\n答：\n2. 多选（  ）\n3. 判断（ ）\n5. 填空\n答：\n6. 解答')], zh);
  assert.deepEqual(parsed.missing, ['4']);
  assert.deepEqual(
    parsed.answers.map((a) => [a.number, a.answer]),
    [
      ['1', null],
      ['2', null],
      ['3', null],
      ['5', null],
      ['6', null],
    ],
  );
});

test('OCR noise: spaces in CJK, l/1 and O/0, lost separators, unreadable numbers, stray marks', () => {
  const text = `八 年 级 数 学 期 中 考 试
姓 名 : 李 明 班 级 : 八(2)班“ 学 号 : 2O23O4l5
l. 下 列 各 数 中 ， 是 无 理 数 的 是 （ 8 ）
A.3.14 B.V2 Cc.13 D.0
第?题 下列各数中(A, C)
〈\\3) 等腰三角形的两个底角相等。(Vv )
4 两个无理数的和一定是无理数。
答 : X
5.直角三角形斜边长为。
答: l0
6 写出关系
答: 勾 股 定 理`;
  const parsed = parseExam([page(text)], zh);
  assert.deepEqual(parsed.student, { name: '李明', class: '八(2)班', id: '20230415' });
  assert.deepEqual(answersOf([page(text)]), { 1: 'B', 2: 'AC', 3: 'T', 4: 'F', 5: '10', 6: '勾股定理' });
});

test('chi_sim look-alikes of a lone T or F are read as true/false', () => {
  assert.deepEqual(answersOf([page('3. 判断\n答案: 工\n4. 判断\n答案: 上')]), { 3: 'T', 4: 'F' });
});

test('a question spanning two pages; page numbers and running heads are ignored', () => {
  const pages = [
    page('八年级数学 期中考试\n姓名：李明\n1. 选择（ B ）\n2. 多选题干很长\n第 1 页 / 共 2 页', 0),
    page(
      '八年级数学期中考试\n题干的下半部分\nA. 甲 B. 乙 C. 丙\n答：AC\n3. 判断（ 对 ）\n4. 判断（ 错 ）\n5. 填空\n答：5\n6. 解答\n答：由勾股定理\n可得结论\n第 2 页 / 共 2 页',
      1,
      0.5,
    ),
  ];
  const parsed = parseExam(pages, zh);
  assert.deepEqual(parsed.missing, []);
  const two = parsed.answers.find((a) => a.number === '2')!;
  assert.equal(two.answer, 'AC');
  assert.equal(two.page, 0, 'the page where the question starts');
  assert.equal(two.confidence, 0.5, 'confidence of the line the answer came from');
  assert.equal(parsed.answers.find((a) => a.number === '6')!.answer, '由勾股定理可得结论');
});

test('English paper', () => {
  const en: Template = templateSchema.parse({
    id: 'en-test',
    title: 'Grade 7 English',
    subject: 'english',
    language: 'en',
    questions: [
      { number: '1', type: 'choice', points: 5, answer: 'B' },
      { number: '2', type: 'multi', points: 5, answer: 'AC' },
      { number: '3', type: 'truefalse', points: 5, answer: 'T' },
      { number: '4', type: 'fill', points: 5, answer: 'cold' },
      { number: '5', type: 'fill', points: 5, answer: 'since' },
      { number: '6', type: 'open', points: 5, answer: 'I played football.' },
    ],
  });
  const text = `Grade 7 English
Name: Emily Chen Class: 7B Student No.: $1024
Part I. Multiple Choice
1. Choose the correct answer.( B )
A. go B. goes C. going D. gone
(2) Which are verbs?
A. went B. eat C. saw
Answer: A, C
Part Il. True or False
3. Children is the plural of child.( T )
Part III. Fill in the Blanks
4. The opposite of hot is ______.
Answer: cold.
5.1 have lived here ______ 2015.
Answer: since
6. Answer the question in one sentence.
Answer: | played football
with my friends.`;
  const parsed = parseExam([page(text)], en);
  assert.deepEqual(parsed.student, { name: 'Emily Chen', class: '7B', id: 'S1024' });
  assert.deepEqual(answersOf([page(text)], en), {
    1: 'B',
    2: 'AC',
    3: 'T',
    4: 'cold',
    5: 'since',
    6: 'I played football with my friends.',
  });
});

test('OCR bracket confusions: （ read as 〈 《 【 around the answer and around the number', () => {
  const text = `1. 下列各数中〈B )
2. 多选题《A C》
(3) 判断【 √ 】
《4) 判断 [错]
5. 填空
答: 5
《6) 解答
答: 勾股定理`;
  assert.deepEqual(answersOf([page(text)]), { 1: 'B', 2: 'AC', 3: 'T', 4: 'F', 5: '5', 6: '勾股定理' });
});

test('several letters in every style, in the bracket or after a label', () => {
  for (const written of ['AC', 'A,C', 'A C', 'A、C', 'C A', 'a c']) {
    assert.equal(answersOf([page(`2. 多选（ ${written} ）`)])[2], 'AC', `bracket ${written}`);
    assert.equal(answersOf([page(`2. 多选（ ）\nA. 甲 B. 乙 C. 丙 D. 丁\n答案：${written}`)])[2], 'AC', `label ${written}`);
  }
});

test('true/false marks inside the bracket: √ × 对 错 T F and OCR look-alikes', () => {
  for (const [t, f] of [
    ['√', '×'],
    ['对', '错'],
    ['T', 'F'],
    ['V', 'X'],
    ['✓', '✗'],
  ]) {
    assert.deepEqual(answersOf([page(`3. 判断（ ${t} ）\n4. 判断（ ${f} ）`)]), { 3: 'T', 4: 'F' }, `${t} ${f}`);
  }
});

test('open answers run over several lines, joined without spaces in Chinese', () => {
  const text = `6. 为什么池水看起来比实际的浅？
学生答案：光从水中斜射入空气时发生折射。
折射角大于入射角，
所以看起来变浅。`;
  assert.equal(answersOf([page(text)])[6], '光从水中斜射入空气时发生折射。折射角大于入射角,所以看起来变浅。');
});

test('fill answers: full-width digits, spaces around symbols, trailing punctuation', () => {
  assert.equal(answersOf([page('5. 填空\n答：５。')])[5], '5');
  assert.equal(answersOf([page('5. 填空\n答案： x = 5 ')])[5], 'x=5');
  assert.equal(answersOf([page('5. 填空\n答: 学 而 不 厌')])[5], '学而不厌');
});

test('a misread question number is recovered from its place between its neighbours', () => {
  // "(5)" read as "0)", "第6题" as "第?6题": both found in order, answers not shifted.
  const text = `1. 选择（ B ）
2. 多选（ AC ）
3. 判断（ √ ）
4. 判断（ × ）
0) 填空______。
答: 5
第?6题 解答
答: 勾股定理`;
  const parsed = parseExam([page(text)], zh);
  assert.deepEqual(parsed.missing, []);
  assert.deepEqual(answersOf([page(text)]), { 1: 'B', 2: 'AC', 3: 'T', 4: 'F', 5: '5', 6: '勾股定理' });
  // A number misread as a later one ("(5)" for "(2)") does not swallow the questions in between.
  const skipped = '1. 选择（ B ）\n(5) 多选（ AC ）\n3. 判断（ √ ）\n4. 判断（ × ）\n5. 填空\n答：5\n6. 解答\n答：勾股定理';
  assert.deepEqual(answersOf([page(skipped)]), { 1: 'B', 2: 'AC', 3: 'T', 4: 'F', 5: '5', 6: '勾股定理' });
  // Also right after a section heading, with the number read as one not on the paper ("(60)").
  const afterSection = '5. 填空\n答：5\n四、解答题\n(60) 写出关系\n答：勾股定理';
  assert.deepEqual(answersOf([page(afterSection)]), { 5: '5', 6: '勾股定理' });
});

test('without a line where a question could start, it stays missing (never graded from a neighbour)', () => {
  const parsed = parseExam([page('1. 选择（ B ）\n2. 多选（ AC ）\n答：AC\n3. 判断（ √ ）\n5. 填空\n答：5\n6. 解答\n答：勾股定理')], zh);
  assert.deepEqual(parsed.missing, ['4']);
  assert.equal(parsed.answers.find((a) => a.number === '3')!.answer, 'T');
});

test('section headings in both languages are not question text', () => {
  const text = `一、选择题
1. 选择（ B ）
二、多选题
2. 多选（ AC ）
Part III. True or False
3. 判断（ T ）
Section D
4. 判断（ F ）
五、填空题
5. 填空
答：5
六、解答题
6. 解答
答：勾股定理`;
  const parsed = parseExam([page(text)], zh);
  assert.deepEqual(answersOf([page(text)]), { 1: 'B', 2: 'AC', 3: 'T', 4: 'F', 5: '5', 6: '勾股定理' });
  assert.ok(parsed.answers.every((a) => a.confidence === 0.9));
});

test('per-answer confidence is that of the line the answer was read from', () => {
  const p: OcrPage = {
    pageIndex: 0,
    text: '',
    confidence: 0.8,
    lines: [
      { text: '5. 填空', confidence: 0.95 },
      { text: '答：5', confidence: 0.41 },
      { text: '6. 解答', confidence: 0.9 },
      { text: '答：勾股定理', confidence: 0.7 },
      { text: '可得结论', confidence: 0.5 },
    ],
  };
  const parsed = parseExam([p], zh);
  assert.equal(parsed.answers.find((a) => a.number === '5')!.confidence, 0.41);
  assert.equal(parsed.answers.find((a) => a.number === '6')!.confidence, 0.6, 'an open answer averages its lines');
});

test('a class number read as ] or | in the header is repaired', () => {
  assert.equal(parseExam([page('姓名：王小红 班级：七(])班 学号：20220108\n1. 选择（ B ）')], zh).student.class, '七(1)班');
});
