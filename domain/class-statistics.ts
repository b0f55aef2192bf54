import type { ResultDocument } from './documents';
import { questionKey } from './template';

// The class view of one batch, from its students' graded results alone (pure): the score
// distribution, the ranking, item analysis per question (correct rate, difficulty,
// discrimination, the options chosen) and the class's mastery of each knowledge point, with
// the students below a threshold and the weak points they share.

/** The upper and lower groups of the discrimination index: the classic 27% of the class. */
const DISCRIMINATION_GROUP = 0.27;
/** Below this share of the full score a student is listed for help (a pass is 60% in most schools). */
const DEFAULT_THRESHOLD = 0.6;
/** A knowledge point a student earned less than this share of is one of their weak points. */
const WEAK_MASTERY = 0.6;
const HISTOGRAM_BINS = 10;

export type ClassResult = Pick<
  ResultDocument,
  'examId' | 'templateId' | 'title' | 'student' | 'score' | 'fullScore' | 'questions' | 'knowledgePoints'
>;

export interface RankedStudent {
  rank: number;
  examId: string;
  studentId: string | null;
  name: string | null;
  class: string | null;
  score: number;
  fullScore: number;
}

interface OptionShare {
  option: string;
  share: number;
  correct: boolean;
}

export interface QuestionStatistics {
  key: string;
  number: string;
  section: string | null;
  type: string;
  points: number;
  correctAnswer: string;
  /** share of students who answered it fully correctly */
  correctRate: number;
  /** difficulty index p: the share of its points the class earned (1 = everyone, 0 = nobody) */
  difficulty: number;
  /** discrimination index D: upper group's p minus lower group's p (−1…1; below 0.2 a weak question) */
  discrimination: number;
  /** share of students who left it blank */
  blankRate: number;
  /** choice, multi and true/false: the share of students marking each option (the distractor view) */
  options: OptionShare[] | null;
  knowledgePoints: string[];
}

interface ClassKnowledgePoint {
  name: string;
  mastery: number;
  awarded: number;
  points: number;
}

export interface ClassStatistics {
  students: number;
  fullScore: number;
  mean: number;
  median: number;
  standardDeviation: number;
  highest: number;
  lowest: number;
  histogram: { from: number; to: number; count: number }[];
  ranking: RankedStudent[];
  questions: QuestionStatistics[];
  knowledgePoints: ClassKnowledgePoint[];
  threshold: number;
  below: (RankedStudent & { weakPoints: string[] })[];
  /** weak points shared by the students below the threshold, most shared first */
  sharedWeakPoints: { name: string; students: number }[];
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Population standard deviation (the class is the whole population). */
export function standardDeviation(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

function histogram(scores: number[], fullScore: number, bins = HISTOGRAM_BINS): ClassStatistics['histogram'] {
  const width = fullScore > 0 ? fullScore / bins : 1;
  const out = Array.from({ length: bins }, (_, i) => ({ from: round(i * width, 2), to: round((i + 1) * width, 2), count: 0 }));
  for (const s of scores) out[Math.min(bins - 1, Math.max(0, Math.floor(s / width)))]!.count += 1;
  return out;
}

/** Highest score first; equal scores share a rank (1, 2, 2, 4). */
export function rankStudents(results: ClassResult[]): RankedStudent[] {
  const sorted = [...results].sort((a, b) => b.score - a.score || (a.student.id ?? '').localeCompare(b.student.id ?? ''));
  return sorted.map((r) => ({
    rank: sorted.findIndex((o) => o.score === r.score) + 1,
    examId: r.examId,
    studentId: r.student.id,
    name: r.student.name,
    class: r.student.class,
    score: r.score,
    fullScore: r.fullScore,
  }));
}

function optionShares(answers: (string | null)[], type: string, correct: string): OptionShare[] | null {
  if (type !== 'choice' && type !== 'multi' && type !== 'truefalse') return null;
  const letters = new Set<string>(type === 'truefalse' ? ['T', 'F'] : [...correct]);
  for (const a of answers) for (const l of a ?? '') letters.add(l);
  return [...letters].sort().map((option) => ({
    option,
    share: round(answers.filter((a) => a !== null && a.includes(option)).length / Math.max(1, answers.length)),
    correct: correct.includes(option),
  }));
}

function questionStatistics(results: ClassResult[], upper: Set<string>, lower: Set<string>): QuestionStatistics[] {
  const first = results[0]?.questions ?? [];
  return first.map((q) => {
    const key = questionKey(q);
    const of = results.map((r) => r.questions.find((o) => questionKey(o) === key)).filter((o) => o !== undefined);
    const p = (group: typeof results) => {
      const rows = group.map((r) => r.questions.find((o) => questionKey(o) === key)).filter((o) => o !== undefined);
      return q.points > 0 && rows.length ? mean(rows.map((o) => Math.max(0, o.awarded) / q.points)) : 0;
    };
    return {
      key,
      number: q.number,
      section: q.section ?? null,
      type: q.type,
      points: q.points,
      correctAnswer: q.correctAnswer,
      correctRate: round(of.filter((o) => o.correct).length / Math.max(1, of.length)),
      difficulty: round(p(results)),
      discrimination: round(p(results.filter((r) => upper.has(r.examId))) - p(results.filter((r) => lower.has(r.examId)))),
      blankRate: round(of.filter((o) => o.studentAnswer === null).length / Math.max(1, of.length)),
      options: optionShares(
        of.map((o) => o.studentAnswer),
        q.type,
        q.correctAnswer,
      ),
      knowledgePoints: q.knowledgePoints,
    };
  });
}

function classKnowledgePoints(results: ClassResult[]): ClassKnowledgePoint[] {
  const sums = new Map<string, { awarded: number; points: number }>();
  for (const r of results) {
    for (const kp of r.knowledgePoints) {
      const s = sums.get(kp.name) ?? { awarded: 0, points: 0 };
      s.awarded += kp.awarded;
      s.points += kp.points;
      sums.set(kp.name, s);
    }
  }
  return [...sums]
    .map(([name, s]) => ({
      name,
      awarded: round(s.awarded, 2),
      points: round(s.points, 2),
      mastery: s.points > 0 ? round(Math.max(0, s.awarded) / s.points) : 0,
    }))
    .sort((a, b) => a.mastery - b.mastery || a.name.localeCompare(b.name));
}

/** `results`: the class's graded exams (one per student). `threshold`: a share of the full score. */
export function classStatistics(results: ClassResult[], threshold = DEFAULT_THRESHOLD): ClassStatistics {
  const scores = results.map((r) => r.score);
  const fullScore = Math.max(0, ...results.map((r) => r.fullScore));
  const ranking = rankStudents(results);
  const groupSize = Math.max(1, Math.round(results.length * DISCRIMINATION_GROUP));
  const upper = new Set(ranking.slice(0, groupSize).map((r) => r.examId));
  const lower = new Set(ranking.slice(-groupSize).map((r) => r.examId));
  const weakPointsOf = (examId: string) =>
    results
      .find((r) => r.examId === examId)!
      .knowledgePoints.filter((kp) => kp.points > 0 && kp.mastery < WEAK_MASTERY)
      .map((kp) => kp.name);
  const below = ranking.filter((r) => r.score < threshold * r.fullScore).map((r) => ({ ...r, weakPoints: weakPointsOf(r.examId) }));
  const shared = new Map<string, number>();
  for (const s of below) for (const name of s.weakPoints) shared.set(name, (shared.get(name) ?? 0) + 1);
  return {
    students: results.length,
    fullScore,
    mean: round(mean(scores), 2),
    median: round(median(scores), 2),
    standardDeviation: round(standardDeviation(scores), 2),
    highest: results.length ? Math.max(...scores) : 0,
    lowest: results.length ? Math.min(...scores) : 0,
    histogram: histogram(scores, fullScore),
    ranking,
    questions: questionStatistics(results, upper, lower),
    knowledgePoints: classKnowledgePoints(results),
    threshold,
    below,
    sharedWeakPoints: [...shared]
      .map(([name, students]) => ({ name, students }))
      .sort((a, b) => b.students - a.students || a.name.localeCompare(b.name)),
  };
}

/** One part of a class report: the students who sat one template (a batch is usually one). */
export interface TemplateSection {
  templateId: string;
  title: string;
  stats: ClassStatistics;
}

/** The class's statistics per template, the template most students sat first. */
export function classStatisticsByTemplate(results: ClassResult[], threshold = DEFAULT_THRESHOLD): TemplateSection[] {
  const groups = new Map<string, ClassResult[]>();
  for (const r of results) groups.set(r.templateId, [...(groups.get(r.templateId) ?? []), r]);
  return [...groups.values()]
    .sort((a, b) => b.length - a.length || a[0]!.templateId.localeCompare(b[0]!.templateId))
    .map((group) => ({ templateId: group[0]!.templateId, title: group[0]!.title, stats: classStatistics(group, threshold) }));
}
