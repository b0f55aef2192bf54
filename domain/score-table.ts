import type { TemplateSection } from './class-statistics';
import type { GradedQuestion, Student } from './documents';
import { questionKey } from './template';

// The class's scores as a table, one row per student (for the grade book), and the question
// statistics as a second table; written as CSV here (pure), as XLSX by lib/documents/score-workbook.ts.

export interface ScoreRowSource {
  position: number;
  templateId: string;
  status: string;
  student: Student;
  score: number | null;
  fullScore: number | null;
  questions: Pick<GradedQuestion, 'number' | 'section' | 'studentAnswer' | 'awarded'>[] | null;
}

type Cell = string | number | null;
export interface Table {
  header: string[];
  rows: Cell[][];
}

const label = (q: { number: string; section?: string | null }) => (q.section ? `${q.section}.${q.number}` : q.number);

/** Every question of the students' templates, in order, each once (by section and number). */
function questionColumns(students: ScoreRowSource[]): { number: string; section?: string | null }[] {
  const seen = new Map<string, { number: string; section?: string | null }>();
  for (const s of students)
    for (const q of s.questions ?? [])
      if (!seen.has(questionKey(q))) seen.set(questionKey(q), { number: q.number, section: q.section ?? null });
  return [...seen.values()];
}

export function scoreTable(students: ScoreRowSource[]): Table {
  const questions = questionColumns(students);
  const header = [
    '#',
    '学号 Student No.',
    '姓名 Name',
    '班级 Class',
    '状态 Status',
    '总分 Total',
    '满分 Full score',
    '试卷 Template',
    ...questions.flatMap((q) => [`${label(q)} 答案 answer`, `${label(q)} 得分 points`]),
  ];
  const rows = students.map((s) => {
    const byKey = new Map((s.questions ?? []).map((q) => [questionKey(q), q]));
    return [
      s.position + 1,
      s.student.id,
      s.student.name,
      s.student.class,
      s.status,
      s.score,
      s.fullScore,
      s.templateId,
      ...questions.flatMap((q) => {
        const graded = byKey.get(questionKey(q));
        return graded ? [graded.studentAnswer ?? '', graded.awarded] : [null, null];
      }),
    ];
  });
  return { header, rows };
}

export function questionTable(sections: TemplateSection[]): Table {
  const header = [
    '试卷 Template',
    '题号 Question',
    '题型 Type',
    '分值 Points',
    '答案 Key',
    '正确率 Correct rate',
    '难度 Difficulty p',
    '区分度 Discrimination D',
    '未答 Blank rate',
    '选项分布 Options',
    '知识点 Knowledge points',
  ];
  const rows = sections.flatMap(({ templateId, stats }) =>
    stats.questions.map((q) => [
      templateId,
      label(q),
      q.type,
      q.points,
      q.correctAnswer,
      q.correctRate,
      q.difficulty,
      q.discrimination,
      q.blankRate,
      q.options ? q.options.map((o) => `${o.option} ${Math.round(o.share * 100)}%`).join(' ') : null,
      q.knowledgePoints.join('; '),
    ]),
  );
  return { header, rows };
}

function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  // A cell a spreadsheet would run as a formula is written as text.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v !== 'number' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** UTF-8 with a byte-order mark, CRLF lines: what Excel opens with Chinese names intact. */
export function toCsv(table: Table): string {
  return `\uFEFF${[table.header, ...table.rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
