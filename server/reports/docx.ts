/**
 * The report as DOCX (editable in Word / LibreOffice), laid out per Nghị định 30/2020/NĐ-CP
 * Phụ lục I: A4 (11906 × 16838 twips), margins top / bottom 20 mm, left 30 mm, right 15 mm,
 * Times New Roman; quốc hiệu 12 pt bold caps and tiêu ngữ 13 pt bold with a rule below;
 * body 14 pt justified with a 1.27 cm first-line indent; tables 12 pt.
 */
import { AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, VerticalAlign, WidthType } from 'docx';
import { randomBytes } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Block, ReportDocument } from './document';

const MM = 56.7; // twips per millimetre
export const PAGE = { width: 11906, height: 16838, top: Math.round(20 * MM), bottom: Math.round(20 * MM), left: Math.round(30 * MM), right: Math.round(15 * MM) };
const CONTENT = PAGE.width - PAGE.left - PAGE.right;
const FONT = 'Times New Roman';
const pt = (size: number) => size * 2; // docx sizes are half-points
/** the paragraph style of the body tables' cells: Times New Roman 12 pt, no spacing */
const TABLE_STYLE = 'TableText';

const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };
const LINE = { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 };

interface RunStyle { size?: number; bold?: boolean; italics?: boolean }
const run = (text: string, style: RunStyle = {}) => new TextRun({ text, font: FONT, size: pt(style.size ?? 14), bold: style.bold ?? false, italics: style.italics ?? false });
const centred = (text: string, style: RunStyle = {}, extra: Partial<ConstructorParameters<typeof Paragraph>[0] & object> = {}) =>
  new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 0, after: 0 }, children: text ? [run(text, style)] : [], ...extra });
/** a short rule under a header line: a bottom border on an empty paragraph narrowed by indents */
const rule = (cellWidth: number, length: number) => new Paragraph({ spacing: { before: 0, after: 120 }, indent: { left: Math.round((cellWidth - length) / 2), right: Math.round((cellWidth - length) / 2) }, border: { top: LINE }, children: [] });
const cell = (width: number, children: Paragraph[]) => new TableCell({ width: { size: width, type: WidthType.DXA }, borders: { top: NONE, bottom: NONE, left: NONE, right: NONE }, children });

function header(doc: ReportDocument): Table {
  const left = Math.round(CONTENT * 0.42);
  const right = CONTENT - left;
  const leftCell = [
    ...(doc.parentAgency ? [centred(doc.parentAgency, { size: 12 })] : []),
    centred(doc.agency, { size: 12, bold: true }),
    rule(left, 1200),
    centred(doc.number, { size: 13 }),
  ];
  const rightCell = [
    centred('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { size: 12, bold: true }),
    centred('Độc lập - Tự do - Hạnh phúc', { size: 13, bold: true }),
    rule(right, 3300),
    centred(doc.placeDate, { size: 13, italics: true }),
  ];
  return new Table({ width: { size: CONTENT, type: WidthType.DXA }, columnWidths: [left, right], borders: NO_BORDERS, rows: [new TableRow({ children: [cell(left, leftCell), cell(right, rightCell)] })] });
}

/**
 * A body table: docx writes the table (properties, grid, header row) and a marker row in
 * place of the data rows, which `rowXml` writes as text into document.xml once it is packed
 * (`withRows`). A report's tables hold ~600 cells; built as docx objects, they were ~80% of
 * the DOCX's cost (an object tree per cell, formatted then serialised), as text they cost
 * nothing. The XML is the one docx wrote for them (test/reports compares it).
 */
function bodyTable(block: Extract<Block, { kind: 'table' }>, rows: TableRows): Table {
  const total = block.columns.reduce((s, c) => s + c.width, 0);
  const widths = block.columns.map((c) => Math.floor((c.width / total) * CONTENT));
  const head = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: block.columns.map((c, i) => new TableCell({ width: { size: widths[i]!, type: WidthType.DXA }, verticalAlign: VerticalAlign.CENTER, children: [new Paragraph({ style: TABLE_STYLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: c.title, bold: true })] })] })),
  });
  const data = [...block.rows.map((r) => rowXml(r, widths, block, false)), ...(block.totalRow ? [rowXml(block.totalRow, widths, block, true)] : [])];
  const children = [head];
  if (data.length) {
    const marker = `\u2060rows-${rows.nonce}-${rows.tables.length}\u2060`;
    rows.tables.push({ marker, xml: data.join('') });
    children.push(new TableRow({ children: [new TableCell({ children: [new Paragraph(marker)] })] }));
  }
  return new Table({ width: { size: CONTENT, type: WidthType.DXA }, columnWidths: widths, margins: { left: 60, right: 60, top: 30, bottom: 30 }, rows: children });
}

/**
 * The tables' data rows as XML, each with the text of the marker row they replace: the
 * table's number and a random nonce of the document, so that no text of the report (the
 * narrative is typed by people) can pass for a marker.
 */
interface TableRows { nonce: string; tables: Array<{ marker: string; xml: string }> }

/** Text escaped as docx escapes it (control characters XML 1.0 forbids are dropped). */
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&apos;', '<': '&lt;', '>': '&gt;' };
// eslint-disable-next-line no-control-regex -- the control characters are what it drops
const escapeXml = (text: string) => text.replace(/[&"'<>\x00-\x08\x0B\x0C\x0E-\x1F]/g, (c) => XML_ESCAPES[c] ?? '');

/** One data row: cells of the table style (12 pt, no spacing) with one bare run, the margins set once on the table. */
function rowXml(cells: string[], widths: number[], block: Extract<Block, { kind: 'table' }>, bold: boolean): string {
  const run = bold ? '<w:rPr><w:b/><w:bCs/></w:rPr>' : '';
  const tcs = cells.map((text, i) => {
    const align = block.columns[i]?.align;
    const jc = align === 'center' || align === 'right' ? `<w:jc w:val="${align}"/>` : '';
    return `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${widths[i]!}"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="${TABLE_STYLE}"/>${jc}</w:pPr><w:r>${run}<w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p></w:tc>`;
  });
  return `<w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="off"/></w:trPr>${tcs.join('')}</w:tr>`;
}

/** The packed DOCX with each marker row of word/document.xml replaced by its table's rows. */
function withRows(packed: Buffer, rows: TableRows): Buffer {
  if (!rows.tables.length) return packed;
  const files = unzipSync(packed);
  let xml = strFromU8(files[DOCUMENT_XML]!);
  for (const { marker, xml: rowsXml } of rows.tables) {
    const at = xml.indexOf(marker);
    const start = xml.lastIndexOf('<w:tr>', at);
    const end = xml.indexOf('</w:tr>', at) + '</w:tr>'.length;
    if (at < 0 || start < 0) throw new Error(`docx: the marker row of a table is missing (${marker})`);
    xml = xml.slice(0, start) + rowsXml + xml.slice(end);
  }
  files[DOCUMENT_XML] = strToU8(xml);
  // as docx packs them: every part deflated, in the same order
  return Buffer.from(zipSync(files));
}
const DOCUMENT_XML = 'word/document.xml';

function body(blocks: Block[], rows: TableRows): Array<Paragraph | Table> {
  return blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 720 }, spacing: { before: 120, after: 60 }, keepNext: true, children: [run(b.text, { bold: true })] });
      case 'caption':
        return new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 120, after: 60 }, keepNext: true, children: [run(b.text, { size: 13, bold: true, italics: true })] });
      case 'paragraph':
        return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 720 }, spacing: { before: 0, after: 120, line: 288 }, children: [run(b.text)] });
      case 'table':
        return bodyTable(b, rows);
    }
  });
}

function signature(doc: ReportDocument): Table {
  const left = Math.round(CONTENT * 0.5);
  const right = CONTENT - left;
  const items = doc.recipients.map((r, i) => new Paragraph({ spacing: { before: 0, after: 0 }, children: [run(`- ${r.replace(/[;.]$/, '')}${i === doc.recipients.length - 1 ? '.' : ';'}`, { size: 11 })] }));
  const leftCell = [new Paragraph({ spacing: { before: 0, after: 0 }, children: [run('Nơi nhận:', { size: 12, bold: true, italics: true })] }), ...items];
  const rightCell = [
    ...(doc.signer.authority ? [centred(doc.signer.authority, { bold: true })] : []),
    centred(doc.signer.title, { bold: true }),
    centred('', {}, { spacing: { before: 0, after: 1300 } }),
    centred(doc.signer.name, { bold: true }),
  ];
  return new Table({ width: { size: CONTENT, type: WidthType.DXA }, columnWidths: [left, right], borders: NO_BORDERS, rows: [new TableRow({ cantSplit: true, children: [cell(left, leftCell), cell(right, rightCell)] })] });
}

/** The DOCX file of `doc`. */
export async function reportDocx(doc: ReportDocument): Promise<Buffer> {
  const rows: TableRows = { nonce: randomBytes(8).toString('hex'), tables: [] };
  const document = new Document({
    creator: 'VHCV e-learning',
    title: `${doc.title} ${doc.subject}`,
    styles: { default: { document: { run: { font: FONT, size: pt(14) } } }, paragraphStyles: [{ id: TABLE_STYLE, name: 'Table Text', basedOn: 'Normal', run: { font: FONT, size: pt(12) }, paragraph: { spacing: { before: 0, after: 0 } } }] },
    sections: [
      {
        properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, header: 567, footer: 567 } } },
        children: [
          header(doc),
          ...(doc.draft ? [centred(`(${'DỰ THẢO'})`, { size: 12, italics: true }, { spacing: { before: 120, after: 0 } })] : []),
          centred(doc.title, { bold: true }, { spacing: { before: 240, after: 0 } }),
          centred(doc.subject, { bold: true }),
          rule(CONTENT, 1800),
          centred(doc.to, {}, { spacing: { before: 0, after: 240 } }),
          ...body(doc.blocks, rows),
          new Paragraph({ spacing: { before: 120, after: 0 }, children: [] }),
          signature(doc),
        ],
      },
    ],
  });
  return withRows(await Packer.toBuffer(document), rows);
}
