import fs from 'node:fs';
import path from 'node:path';
import { templateSchema, type Template } from '../domain/template';
import { chooseAnswers } from '../test/fixtures/answers';
import { degradePage } from '../test/fixtures/degrade';
import { renderExamPaper, type Conventions, type GroundTruth, type StudentInfo } from '../test/fixtures/generator';

// The benchmark corpus: exams over every template (subjects, both languages), 1–3 pages,
// every numbering and answer convention cycled deterministically, wrong and blank
// answers; every other exam degraded into a realistic scan.

const TEMPLATE_FILES = ['zh-math.json', 'zh-physics.json', 'zh-chinese.json', 'en-english.json', 'en-science.json'];

export function loadTemplates(dir = path.join(__dirname, '../../test/fixtures/templates')): Template[] {
  return TEMPLATE_FILES.map((f) => templateSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))));
}

export interface BenchExam {
  index: number;
  template: Template;
  scanned: boolean;
  pages: Buffer[];
  /** what each page shows (OCR ground truth) */
  pageTexts: string[];
  truth: GroundTruth;
}

const ZH_STUDENTS: StudentInfo[] = [
  { name: '李明', class: '八(2)班', id: '20230415' },
  { name: '王小红', class: '七(1)班', id: '20220108' },
  { name: '张伟', class: '八(5)班', id: '20231130' },
  { name: '陈静', class: '九(3)班', id: '20210917' },
];
const EN_STUDENTS: StudentInfo[] = [
  { name: 'Emily Chen', class: '7B', id: 'S1024' },
  { name: 'Tom Baker', class: '6A', id: 'S2048' },
  { name: 'Lucy Wang', class: '8C', id: 'S3301' },
];

/** Conventions cycled by index with co-prime periods, so every combination turns up. */
function conventionsFor(i: number, zh: boolean): Conventions {
  const numbering = zh ? (['dot', 'comma', 'paren', 'di'] as const) : (['dot', 'paren'] as const);
  const marks = zh ? (['check', 'chinese', 'letter'] as const) : (['check', 'letter'] as const);
  const labels = zh ? ['答：', '答案：', '学生答案：'] : ['Answer:'];
  return {
    numbering: numbering[i % numbering.length]!,
    choiceAnswer: (['bracket', 'label'] as const)[Math.floor(i / 2) % 2]!,
    trueFalseMarks: marks[Math.floor(i / 3) % marks.length]!,
    label: labels[Math.floor(i / 4) % labels.length]!,
    headerLayout: (['line', 'rows'] as const)[Math.floor(i / 5) % 2]!,
    multiStyle: (['joined', 'comma', 'space'] as const)[Math.floor(i / 6) % 3]!,
    openLayout: (['inline', 'lines'] as const)[Math.floor(i / 7) % 2]!,
  };
}

/** Renders exam `i` of the corpus (and degrades it when it is a scanned one). */
export async function benchExam(i: number, templates: Template[]): Promise<BenchExam> {
  const template = templates[i % templates.length]!;
  const zh = template.language !== 'en';
  const seed = 1000 + i;
  const students = zh ? ZH_STUDENTS : EN_STUDENTS;
  const paper = await renderExamPaper({
    template,
    student: students[i % students.length]!,
    answers: chooseAnswers(template, i % 4, seed, i % 7 === 3 ? 1 : 0),
    pages: 1 + (i % 3),
    conventions: conventionsFor(i, zh),
    seed,
  });
  const scanned = i % 2 === 1; // with 5 templates and 3 page counts, both sets see every combination
  const pages = scanned ? await Promise.all(paper.pages.map(async (p, k) => (await degradePage(p, seed * 10 + k)).image)) : paper.pages;
  return { index: i, template, scanned, pages, pageTexts: paper.pageTexts, truth: paper.truth };
}
