// The exam's progress and ETA are pure logic, defined in domain/exam-progress.ts; the
// workflow keeps them with workflow time.
export { enterStep, finish, startProgress, statusDocument, type ExamProgress } from '../domain/exam-progress';
