import { sql, type Kysely } from 'kysely';

// Teacher review: how many answers of a waiting exam wait, since when (the review queue is
// the tenant's waiting exams, oldest first), and when its review last changed. The decisions
// and later corrections themselves live in the exam's result document (who, when, before, after).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('exams')
    .addColumn('review_items', 'integer')
    .addColumn('review_since', 'timestamptz')
    .addColumn('corrected_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX exams_review_queue ON exams (tenant_id, review_since, exam_id) WHERE status = 'needs_review' AND erase_requested_at IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX exams_review_queue`.execute(db);
  await db.schema.alterTable('exams').dropColumn('corrected_at').dropColumn('review_since').dropColumn('review_items').execute();
}
