import { sql, type Kysely } from 'kysely';

// A class's stack of sheets (POST /v1/batches) and the exams it became: the batch row keeps
// its phase, the pages it skipped or could not place and its class report; each exam of a
// batch carries the batch id and its place in the stack.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('batches')
    .addColumn('batch_id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('template_id', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('pending', 'splitting', 'processing', 'reporting', 'completed', 'failed', 'cancelled')`),
    )
    .addColumn('files', 'integer', (c) => c.notNull())
    .addColumn('pages', 'integer')
    .addColumn('exams_planned', 'integer')
    .addColumn('skipped', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('unplaced', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('error', 'text')
    .addColumn('report', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('batches_tenant_created').on('batches').columns(['tenant_id', 'created_at desc', 'batch_id desc']).execute();
  await db.schema.alterTable('exams').addColumn('batch_id', 'uuid').execute();
  await db.schema.alterTable('exams').addColumn('batch_position', 'integer').execute();
  await db.schema
    .createIndex('exams_batch')
    .on('exams')
    .columns(['batch_id', 'batch_position'])
    .where('batch_id', 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('exams_batch').execute();
  await db.schema.alterTable('exams').dropColumn('batch_position').execute();
  await db.schema.alterTable('exams').dropColumn('batch_id').execute();
  await db.schema.dropTable('batches').execute();
}
