import { sql } from 'kysely';
import { records } from './database';

/**
 * Recomputes the statistics rollups from the exam rows, in one transaction: after a bulk
 * load with the trigger disabled, or to check them (they should never drift).
 */
export async function rebuildRollups(): Promise<void> {
  await records()
    .transaction()
    .execute(async (tx) => {
      await sql`LOCK TABLE exams IN SHARE MODE`.execute(tx);
      await tx.deleteFrom('exam_status_totals').execute();
      await tx.deleteFrom('exam_hourly').execute();
      await sql`INSERT INTO exam_status_totals (tenant_id, status, count) SELECT tenant_id, status, count(*) FROM exams GROUP BY tenant_id, status`.execute(
        tx,
      );
      await sql`INSERT INTO exam_hourly (tenant_id, hour, status, count, duration_ms_sum)
        SELECT tenant_id, date_trunc('hour', finished_at, 'UTC'), status, count(*), coalesce(sum(duration_ms), 0)
          FROM exams WHERE finished_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled')
         GROUP BY 1, 2, 3`.execute(tx);
    });
}
