import ExcelJS from 'exceljs';
import type { Table } from '../../domain/score-table';

// The class's scores as an Excel workbook: a sheet of one row per student and a sheet of
// question statistics, header rows bold and frozen.

function addSheet(book: ExcelJS.Workbook, name: string, table: Table): void {
  const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(table.header).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row.map((c) => (c === null ? undefined : c)));
  sheet.columns.forEach((col, i) => {
    col.width = Math.min(40, Math.max(8, table.header[i]!.length + 2));
  });
}

export async function scoreWorkbook(scores: Table, questions: Table): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'examflow';
  addSheet(book, '成绩 Scores', scores);
  addSheet(book, '题目统计 Questions', questions);
  return Buffer.from(await book.xlsx.writeBuffer());
}
