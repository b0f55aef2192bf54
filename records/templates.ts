import type { Template } from '../domain/template';
import { records } from './database';

// Answer keys, per tenant. Content under an id never changes (the API refuses a different
// template under a used id), and every exam keeps its own copy in the artifact store.

export async function findTemplate(tenantId: string, templateId: string): Promise<Template | null> {
  const row = await records()
    .selectFrom('templates')
    .select('body')
    .where('tenant_id', '=', tenantId)
    .where('template_id', '=', templateId)
    .executeTakeFirst();
  return row ? (row.body as Template) : null;
}

/** Inserts the template unless its id is taken; true when this call created it. */
export async function insertTemplate(tenantId: string, template: Template): Promise<boolean> {
  const inserted = await records()
    .insertInto('templates')
    .values({ tenant_id: tenantId, template_id: template.id, body: JSON.stringify(template) })
    .onConflict((oc) => oc.columns(['tenant_id', 'template_id']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** One tenant's templates, or every tenant's (null: the admin's view). */
export async function listTemplates(tenantId: string | null): Promise<{ tenantId: string; template: Template }[]> {
  let query = records().selectFrom('templates').select(['tenant_id', 'body']);
  if (tenantId !== null) query = query.where('tenant_id', '=', tenantId);
  const rows = await query.orderBy('tenant_id').orderBy('template_id').execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, template: r.body as Template }));
}
