/**
 * The DOCX's body tables: their data rows are written as XML text into document.xml
 * (server/reports/docx.ts, `rowXml`), not built as docx objects. Checked against what the
 * docx package itself writes for the same table, and for text that must be escaped.
 */
import { expect } from 'chai';
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, VerticalAlign, WidthType } from 'docx';
import { XMLValidator } from 'fast-xml-parser';
import { strFromU8, unzipSync } from 'fflate';
import type { Block, ReportDocument } from '../../server/reports/document';
import { PAGE, reportDocx } from '../../server/reports/docx';

type TableBlock = Extract<Block, { kind: 'table' }>;

const CONTENT = PAGE.width - PAGE.left - PAGE.right;

const documentXml = (docx: Buffer) => strFromU8(unzipSync(docx)['word/document.xml']!);
/** The body tables of document.xml (the header and signature tables have no 'TableText' cells). */
const bodyTables = (xml: string) => [...xml.matchAll(/<w:tbl>.*?<\/w:tbl>/g)].map((m) => m[0]).filter((t) => t.includes('w:val="TableText"'));

function reportWith(blocks: Block[]): ReportDocument {
  return { parentAgency: 'UBND TỈNH', agency: 'SỞ A', number: 'Số: 1/BC-SA', placeDate: 'ngày 01 tháng 12 năm 2026', title: 'BÁO CÁO', subject: 'Kết quả', to: 'Kính gửi: Sở Nội vụ', blocks, signer: { authority: '', title: 'GIÁM ĐỐC', name: 'Nguyễn Văn A' }, recipients: ['Sở Nội vụ'], draft: false };
}

/** The table as docx objects, every cell as the docx package writes it (the way docx.ts built them before). */
async function docxOwnTable(block: TableBlock): Promise<string> {
  const total = block.columns.reduce((s, c) => s + c.width, 0);
  const widths = block.columns.map((c) => Math.floor((c.width / total) * CONTENT));
  const align = (a?: string) => (a === 'center' ? AlignmentType.CENTER : a === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT);
  const row = (cells: string[], bold: boolean, header = false) =>
    new TableRow({
      tableHeader: header,
      cantSplit: true,
      children: cells.map((text, i) => {
        const alignment = header ? AlignmentType.CENTER : align(block.columns[i]?.align);
        return new TableCell({ width: { size: widths[i]!, type: WidthType.DXA }, verticalAlign: VerticalAlign.CENTER, children: [new Paragraph({ style: 'TableText', ...(alignment === AlignmentType.LEFT ? {} : { alignment }), children: [new TextRun(bold ? { text, bold } : text)] })] });
      }),
    });
  const rows = [row(block.columns.map((c) => c.title), true, true), ...block.rows.map((r) => row(r, false))];
  if (block.totalRow) rows.push(row(block.totalRow, true));
  const table = new Table({ width: { size: CONTENT, type: WidthType.DXA }, columnWidths: widths, margins: { left: 60, right: 60, top: 30, bottom: 30 }, rows });
  const doc = new Document({ styles: { paragraphStyles: [{ id: 'TableText', name: 'Table Text' }] }, sections: [{ children: [table] }] });
  return bodyTables(documentXml(await Packer.toBuffer(doc)))[0]!;
}

describe('reports: the DOCX body tables written as XML', () => {
  const people: TableBlock = {
    kind: 'table',
    columns: [{ title: 'TT', width: 0.6, align: 'center' }, { title: 'Họ và tên', width: 2.8 }, { title: 'Điểm', width: 1.2, align: 'right' }],
    rows: [
      ['1', 'Nguyễn Thị Ánh', '95,5'],
      ['2', `Trần "Bình" & <Cường> 'Dũng'\u0007`, ''],
    ],
    totalRow: ['', 'Tổng cộng', '2'],
  };
  const empty: TableBlock = { kind: 'table', columns: [{ title: 'TT', width: 1 }, { title: 'Tên', width: 3 }], rows: [] };

  it('writes the rows docx itself writes, escaped, in well-formed XML, no marker left', async () => {
    const xml = documentXml(await reportDocx(reportWith([{ kind: 'paragraph', text: 'Trước' }, people, { kind: 'paragraph', text: 'Giữa' }, empty, people])));
    expect(XMLValidator.validate(xml)).to.equal(true);
    expect(xml).not.to.contain('\u2060');
    const tables = bodyTables(xml);
    expect(tables).to.have.length(3);
    expect(tables[0]).to.equal(await docxOwnTable(people));
    expect(tables[1]).to.equal(await docxOwnTable(empty));
    expect(tables[2]).to.equal(tables[0]);
    expect(tables[0]).to.contain('Trần &quot;Bình&quot; &amp; &lt;Cường&gt; &apos;Dũng&apos;</w:t>');
    // the paragraphs around the tables stay where they were
    expect(xml.indexOf('Trước')).to.be.lessThan(xml.indexOf(tables[0]!));
    expect(xml.indexOf('Giữa')).to.be.greaterThan(xml.indexOf(tables[0]!) + tables[0]!.length);
  });
});
