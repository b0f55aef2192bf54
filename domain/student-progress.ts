import type { KnowledgePointMastery } from './documents';

// One student's exams over time: each exam's score and mastery per knowledge point, and
// for each knowledge point its mastery exam after exam (a teacher's first question about a
// student: getting better or worse, and where). Pure.

export interface StudentExam {
  examId: string;
  templateId: string;
  subject: string;
  status: string;
  createdAt: string;
  finishedAt: string | null;
  score: number | null;
  fullScore: number | null;
  knowledgePoints: KnowledgePointMastery[];
  /** an exam of a class batch: the batch, its name and the class's average score in it */
  batchId?: string | null;
  batchName?: string | null;
  classAverage?: number | null;
}

export interface KnowledgePointHistory {
  name: string;
  /** overall mastery: awarded over points across every exam that tested it */
  mastery: number;
  latest: number;
  /** latest minus first; null with a single exam */
  change: number | null;
  history: { examId: string; at: string; mastery: number; awarded: number; points: number }[];
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** `exams` oldest first; only completed exams carry knowledge points. */
export function knowledgePointHistories(exams: StudentExam[]): KnowledgePointHistory[] {
  const byName = new Map<string, KnowledgePointHistory['history']>();
  for (const exam of exams) {
    for (const kp of exam.knowledgePoints) {
      const history = byName.get(kp.name) ?? [];
      history.push({
        examId: exam.examId,
        at: exam.finishedAt ?? exam.createdAt,
        mastery: kp.mastery,
        awarded: kp.awarded,
        points: kp.points,
      });
      byName.set(kp.name, history);
    }
  }
  return [...byName.entries()]
    .map(([name, history]) => {
      const points = history.reduce((s, h) => s + h.points, 0);
      const latest = history.at(-1)!.mastery;
      return {
        name,
        mastery: points > 0 ? round(history.reduce((s, h) => s + h.awarded, 0) / points) : 0,
        latest,
        change: history.length > 1 ? round(latest - history[0]!.mastery) : null,
        history,
      };
    })
    .sort((a, b) => a.mastery - b.mastery || a.name.localeCompare(b.name));
}
