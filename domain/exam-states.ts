// The states and steps an exam passes through, and its priorities. Plain constants without
// zod: the client and the CLI use them at run time and pull no server code with them.

// `needs_review`: graded, waiting for a teacher's decisions (not closed).
export const examStatuses = ['pending', 'processing', 'needs_review', 'completed', 'failed', 'cancelled'] as const;
export type ExamStatus = (typeof examStatuses)[number];

/** An exam in one of these states never changes again (unless retried, which starts a new run). */
export const closedExamStatuses = ['completed', 'failed', 'cancelled'] as const satisfies readonly ExamStatus[];
export type ClosedExamStatus = (typeof closedExamStatuses)[number];
export const isClosedStatus = (status: string): status is ClosedExamStatus => (closedExamStatuses as readonly string[]).includes(status);

/** The steps in the order an exam runs them; `done` once it completed. */
export const examSteps = ['ocr', 'parse', 'analyze', 'review', 'diagnose', 'report', 'done'] as const;
export type ExamStep = (typeof examSteps)[number];
/** The steps that do work (every step but `done`), in order. */
export const workSteps = examSteps.filter((s): s is Exclude<ExamStep, 'done'> => s !== 'done');
export type WorkStep = (typeof workSteps)[number];

/** `urgent` exams are served before `normal` ones on every task queue. */
export const priorities = ['normal', 'urgent'] as const;
export type Priority = (typeof priorities)[number];
