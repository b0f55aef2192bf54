import { sql, type Kysely } from 'kysely';

// Exams from submission on, with their outcome; the list, student and statistics reads
// each have an index that serves them in index order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('exams')
    .addColumn('exam_id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('student_id', 'text')
    .addColumn('student_name', 'text')
    .addColumn('student_class', 'text')
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('pending', 'processing', 'needs_review', 'completed', 'failed', 'cancelled')`),
    )
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('run_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('duration_ms', 'bigint', (c) =>
      c.generatedAlwaysAs(sql`(extract(epoch FROM finished_at - created_at) * 1000)::bigint`).stored(),
    )
    .addColumn('score', 'double precision')
    .addColumn('full_score', 'double precision')
    .addColumn('result', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('artifacts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('step_ms', 'jsonb')
    .addColumn('cancelled_by', 'text')
    .addColumn('retried_by', 'text')
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('erase_requested_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // GET /v1/exams newest first, per tenant (and across tenants for an admin, and the purge).
  await db.schema.createIndex('exams_tenant_created').on('exams').columns(['tenant_id', 'created_at desc', 'exam_id desc']).execute();
  await db.schema
    .createIndex('exams_tenant_status_created')
    .on('exams')
    .columns(['tenant_id', 'status', 'created_at desc', 'exam_id desc'])
    .execute();
  await db.schema.createIndex('exams_created').on('exams').columns(['created_at desc', 'exam_id desc']).execute();
  // One student's exams over time.
  await db.schema
    .createIndex('exams_tenant_student_created')
    .on('exams')
    .columns(['tenant_id', 'student_id', 'created_at desc'])
    .where('student_id', 'is not', null)
    .execute();
  // Statistics: the newest closed exams of a status, with their durations, without the heap.
  await sql`CREATE INDEX exams_tenant_status_finished ON exams (tenant_id, status, finished_at DESC) INCLUDE (duration_ms) WHERE finished_at IS NOT NULL`.execute(
    db,
  );
  // The queue ahead of a waiting exam (its learned ETA): only open exams, so it stays small.
  await db.schema
    .createIndex('exams_open_created')
    .on('exams')
    .column('created_at')
    .where(sql<boolean>`status IN ('pending', 'processing')`)
    .execute();
  await db.schema
    .createIndex('exams_erasing')
    .on('exams')
    .column('erase_requested_at')
    .where('erase_requested_at', 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('exams').execute();
}
