// How a class's stack of scanned pages becomes one exam per student. Each page was looked
// at first (blank, an examflow sheet page with its template and page number, or neither);
// this decides, without I/O, which pages make up each student's exam and which pages are
// skipped or cannot be placed. Nothing is dropped silently: every page of the stack ends up
// in a student's exam, in `skipped` (blank) or in `unplaced` (with a reason a teacher can act on).

export type PageFinding =
  | { kind: 'blank' }
  | { kind: 'sheet'; templateId: string; pageIndex: number; pageCount: number }
  /** neither blank nor an examflow sheet (no readable code): a printed paper or a stray page */
  | { kind: 'other' };

/** A page the split did not give to a student; `page` is 1-based in the stack. */
export interface StackPageNote {
  page: number;
  reason: string;
}

export interface PlannedExam {
  templateId: string;
  /** the pages are examflow answer sheets (read marks), not printed papers (read text) */
  sheet: boolean;
  /** 0-based stack positions, in the order of the exam's pages */
  stackPages: number[];
}

export interface SplitPlan {
  exams: PlannedExam[];
  skipped: StackPageNote[];
  unplaced: StackPageNote[];
}

/** Papers without codes: the template they were graded with, and how many pages each student has. */
export interface PaperFallback {
  templateId: string;
  pagesPerStudent: number;
}

export function splitStack(findings: PageFinding[], fallback?: PaperFallback): SplitPlan {
  const skipped = findings.flatMap((f, i) => (f.kind === 'blank' ? [{ page: i + 1, reason: 'blank page' }] : []));
  const anySheet = findings.some((f) => f.kind === 'sheet');
  const split = !anySheet && fallback ? splitPapers(findings, fallback) : splitSheets(findings, fallback?.templateId);
  return { ...split, skipped };
}

/** Printed papers without codes: every `pagesPerStudent` non-blank pages are one student. */
function splitPapers(findings: PageFinding[], fallback: PaperFallback): Omit<SplitPlan, 'skipped'> {
  const pages = findings.flatMap((f, i) => (f.kind === 'blank' ? [] : [i]));
  const exams: PlannedExam[] = [];
  const unplaced: StackPageNote[] = [];
  for (let start = 0; start < pages.length; start += fallback.pagesPerStudent) {
    const chunk = pages.slice(start, start + fallback.pagesPerStudent);
    if (chunk.length === fallback.pagesPerStudent) exams.push({ templateId: fallback.templateId, sheet: false, stackPages: chunk });
    else {
      for (const i of chunk) {
        unplaced.push({
          page: i + 1,
          reason: `the last ${chunk.length} page(s) do not make a whole paper of ${fallback.pagesPerStudent} pages: a page is missing or extra in the stack`,
        });
      }
    }
  }
  return { exams, unplaced };
}

interface OpenSheet {
  templateId: string;
  pageCount: number;
  /** sheet page index → stack position */
  pages: Map<number, number>;
}

/** examflow sheets: a student's pages lie together (in any order); students in any order. */
function splitSheets(findings: PageFinding[], expectedTemplate: string | undefined): Omit<SplitPlan, 'skipped'> {
  const exams: PlannedExam[] = [];
  const unplaced: StackPageNote[] = [];
  let open: OpenSheet | null = null;
  const closeIncomplete = () => {
    if (!open) return;
    const missing = [...Array(open.pageCount).keys()].filter((k) => !open!.pages.has(k)).map((k) => k + 1);
    for (const [k, i] of open.pages) {
      unplaced.push({
        page: i + 1,
        reason: `sheet page ${k + 1} of ${open.pageCount} of "${open.templateId}" without its student's page ${missing.join(', ')} next to it: put each student's pages together and submit them again`,
      });
    }
    open = null;
  };
  findings.forEach((f, i) => {
    if (f.kind === 'blank') return;
    if (f.kind === 'other') {
      unplaced.push({
        page: i + 1,
        reason:
          'no answer-sheet code on this page: a page of another document, or a sheet too damaged to read (scan it again, or submit it as an exam of its own with its templateId)',
      });
      return;
    }
    if (expectedTemplate && f.templateId !== expectedTemplate) {
      unplaced.push({
        page: i + 1,
        reason: `an answer sheet of template "${f.templateId}", not of "${expectedTemplate}" as the batch says: submit it with its own class`,
      });
      return;
    }
    if (open && (open.templateId !== f.templateId || open.pages.has(f.pageIndex))) closeIncomplete();
    open ??= { templateId: f.templateId, pageCount: f.pageCount, pages: new Map() };
    open.pages.set(f.pageIndex, i);
    if (open.pages.size === open.pageCount) {
      const stackPages = [...open.pages.entries()].sort((a, b) => a[0] - b[0]).map(([, at]) => at);
      exams.push({ templateId: open.templateId, sheet: true, stackPages });
      open = null;
    }
  });
  closeIncomplete();
  unplaced.sort((a, b) => a.page - b.page);
  return { exams, unplaced };
}
