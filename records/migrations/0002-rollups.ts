import { sql, type Kysely } from 'kysely';

// Statistics over a million exams cannot count them on every request: a trigger keeps
// per-tenant totals by status and per-hour counts of closed exams, in the same
// transaction as the exam row, so they never drift from it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('exam_status_totals')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('exam_status_totals_pk', ['tenant_id', 'status'])
    .execute();
  await db.schema
    .createTable('exam_hourly')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('duration_ms_sum', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('exam_hourly_pk', ['tenant_id', 'hour', 'status'])
    .execute();

  await sql`
    CREATE FUNCTION exams_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE exam_status_totals SET count = count - 1 WHERE tenant_id = OLD.tenant_id AND status = OLD.status;
        IF OLD.finished_at IS NOT NULL AND OLD.status IN ('completed', 'failed', 'cancelled') THEN
          UPDATE exam_hourly SET count = count - 1, duration_ms_sum = duration_ms_sum - coalesce(OLD.duration_ms, 0)
           WHERE tenant_id = OLD.tenant_id AND hour = date_trunc('hour', OLD.finished_at, 'UTC') AND status = OLD.status;
        END IF;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO exam_status_totals AS t (tenant_id, status, count) VALUES (NEW.tenant_id, NEW.status, 1)
          ON CONFLICT (tenant_id, status) DO UPDATE SET count = t.count + 1;
        IF NEW.finished_at IS NOT NULL AND NEW.status IN ('completed', 'failed', 'cancelled') THEN
          INSERT INTO exam_hourly AS h (tenant_id, hour, status, count, duration_ms_sum)
            VALUES (NEW.tenant_id, date_trunc('hour', NEW.finished_at, 'UTC'), NEW.status, 1, coalesce(NEW.duration_ms, 0))
            ON CONFLICT (tenant_id, hour, status) DO UPDATE SET count = h.count + 1, duration_ms_sum = h.duration_ms_sum + excluded.duration_ms_sum;
        END IF;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER exams_rollup_insert AFTER INSERT ON exams FOR EACH ROW EXECUTE FUNCTION exams_rollup()`.execute(db);
  await sql`CREATE TRIGGER exams_rollup_delete AFTER DELETE ON exams FOR EACH ROW EXECUTE FUNCTION exams_rollup()`.execute(db);
  await sql`CREATE TRIGGER exams_rollup_update AFTER UPDATE ON exams FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.finished_at IS DISTINCT FROM NEW.finished_at OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
    EXECUTE FUNCTION exams_rollup()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER exams_rollup_update ON exams; DROP TRIGGER exams_rollup_delete ON exams; DROP TRIGGER exams_rollup_insert ON exams; DROP FUNCTION exams_rollup()`.execute(
    db,
  );
  await db.schema.dropTable('exam_hourly').execute();
  await db.schema.dropTable('exam_status_totals').execute();
}
