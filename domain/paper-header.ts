import type { Student } from './documents';
import { digits, type Line } from './paper-lines';

// The student's name, class and number, read from the lines above the first question.

export const HEADER_LABELS: { field: keyof Student; re: RegExp }[] = [
  { field: 'name', re: /(?:姓名|Name)\s*[:;.]?/gi },
  { field: 'class', re: /(?:班级|Class)\s*[:;.]?/gi },
  { field: 'id', re: /(?:学号|考号|Student\s*(?:No|ID|Number)\s*\.?\s*[:;]?|ID\s*[:;])/gi },
];

export function parseHeader(lines: Line[]): Student {
  const student: Student = { name: null, class: null, id: null };
  for (const { text } of lines) {
    const found = HEADER_LABELS.flatMap(({ field, re }) =>
      [...text.matchAll(re)].map((m) => ({ field, start: m.index, end: m.index + m[0].length })),
    ).sort((a, b) => a.start - b.start);
    found.forEach((f, i) => {
      const value = text
        .slice(f.end, found[i + 1]?.start ?? text.length)
        .replace(/_/g, '')
        .replace(/^[\s:;.,'"|“”]+|[\s:;,'"|“”]+$/g, '')
        .trim();
      if (!value || student[f.field] !== null) return;
      student[f.field] = f.field === 'id' ? cleanId(value) : f.field === 'class' ? cleanClass(value) : value;
    });
  }
  return student;
}

/** A class is mostly a number in brackets ("八(1)班"): a 1 read as ] | l I is fixed there. */
function cleanClass(value: string): string {
  return value.replace(/\(\s*[\]|lIJ!]{1,2}\s*\)/g, '(1)');
}

/** Student numbers are mostly digits: fix l/O confusions there, `$` for a leading S. */
function cleanId(value: string): string {
  const id = value.replace(/\s+/g, '').replace(/^\$/, 'S');
  const body = id.replace(/^[A-Z]/, '');
  return /[0-9]/.test(body) && /^[0-9lIO|]+$/.test(body) ? id.slice(0, id.length - body.length) + digits(body) : id;
}
