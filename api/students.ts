import Router from '@koa/router';
import { knowledgePointHistories } from '../domain/student-progress';
import { studentExamRecords } from '../records/student-exams';
import { tenantScope, type AuthState } from './http/auth';
import { ApiError, validate } from './http/errors';
import { studentExamsQuerySchema, studentIdParamSchema } from './schemas';

// GET /v1/students/:studentId/exams: one student's exams over time, with scores and the
// mastery of each knowledge point exam after exam, from the records.
export function studentRoutes(): Router<AuthState> {
  const router = new Router<AuthState>();
  router.get('/v1/students/:studentId/exams', async (ctx) => {
    const studentId = validate(studentIdParamSchema, ctx.params.studentId, 'student id');
    const q = validate(studentExamsQuerySchema, ctx.query, 'student exams query');
    const { student, exams } = await studentExamRecords(tenantScope(ctx.state), studentId, q.limit);
    if (exams.length === 0) throw new ApiError(404, 'student_not_found', `no exams of student ${studentId}`);
    ctx.body = { student, exams, knowledgePoints: knowledgePointHistories(exams) };
  });
  return router;
}
