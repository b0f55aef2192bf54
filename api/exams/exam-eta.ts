import type { StatusDocument } from '../../domain/documents';
import { estimateEta } from '../../domain/eta';
import { etaModel, queueAhead } from '../../records/eta-model';
import type { ExamRow } from '../../records/schema';

/** The status document with its ETA learned from the records; the workflow's own when that fails. */
export async function learnedEta(record: ExamRow, status: StatusDocument): Promise<StatusDocument> {
  try {
    const [model, ahead] = await Promise.all([etaModel(), status.status === 'pending' ? queueAhead(record) : Promise.resolve(0)]);
    return { ...status, etaMs: estimateEta(model, status, ahead) };
  } catch {
    return status;
  }
}
