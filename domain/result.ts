import type { Diagnosis, ResultDocument, Student } from './documents';
import type { GradedExam } from './grade';
import type { ParsedExam } from './paper';
import type { SubmittedStudent } from './student';
import type { Template } from './template';

export interface ResultParts {
  examId: string;
  template: Template;
  parsed: ParsedExam;
  graded: GradedExam;
  diagnosis: Diagnosis;
  /** what the teacher typed at submission; it wins over what OCR read off the header */
  student: SubmittedStudent;
  gradedAt: Date;
}

/** The result document (./documents), assembled from the outputs of every step. */
export function buildResult(parts: ResultParts): ResultDocument {
  const { template, parsed, graded } = parts;
  const student: Student = {
    name: parts.student.name ?? parsed.student.name,
    class: parts.student.class ?? parsed.student.class,
    id: parts.student.id ?? parsed.student.id,
  };
  return {
    examId: parts.examId,
    templateId: template.id,
    title: template.title,
    subject: template.subject,
    language: template.language,
    student,
    score: graded.score,
    fullScore: graded.fullScore,
    questions: graded.questions,
    knowledgePoints: graded.knowledgePoints,
    byDifficulty: graded.byDifficulty,
    diagnosis: parts.diagnosis,
    gradedAt: parts.gradedAt.toISOString(),
    ...(graded.review ? { review: graded.review } : {}),
    ...(graded.corrections?.length ? { corrections: graded.corrections } : {}),
  };
}
