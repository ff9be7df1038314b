/**
 * The report as PDF (pdfkit), the same layout as the DOCX (Nghị định 30/2020/NĐ-CP Phụ lục
 * I): A4, margins top / bottom 20 mm, left 30 mm, right 15 mm; Tinos — metric-compatible
 * with Times New Roman, shipped through npm (@expo-google-fonts/tinos) and embedded, so
 * the Vietnamese diacritics do not depend on the reader's fonts. The faces, their laid-out
 * words and their embedded subsets are shared by every PDF of the process (../fonts/shared-faces.ts):
 * shaping every word and subsetting four faces again were most of a report's PDF.
 */
import PDFDocument from 'pdfkit';
import { useSharedFaces } from '../fonts/shared-faces';
import type { TinosStyle } from '../fonts/tinos';
import type { Block, ReportDocument } from './document';

const MM = 72 / 25.4;
const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const FONTS: Record<'R' | 'B' | 'I' | 'BI', TinosStyle> = { R: 'regular', B: 'bold', I: 'italic', BI: 'boldItalic' };
type Face = keyof typeof FONTS;
const INDENT = 1.27 * 10 * MM;

type Doc = InstanceType<typeof PDFDocument>;

function layout(pdf: Doc) {
  const left = MARGIN.left;
  const width = pdf.page.width - MARGIN.left - MARGIN.right;
  const bottom = () => pdf.page.height - MARGIN.bottom;
  const set = (face: Face, size: number) => pdf.font(face).fontSize(size);
  const line = (x: number, y: number, length: number) => pdf.moveTo(x, y).lineTo(x + length, y).lineWidth(0.6).stroke();
  /** centred text in a column; returns the y below it */
  const centred = (text: string, x: number, y: number, w: number, face: Face, size: number) => {
    set(face, size).text(text, x, y, { width: w, align: 'center' });
    return pdf.y;
  };
  const ensure = (height: number) => {
    if (pdf.y + height > bottom()) {
      pdf.addPage();
      pdf.y = MARGIN.top;
    }
  };
  return { left, width, bottom, set, line, centred, ensure };
}

function header(pdf: Doc, doc: ReportDocument, L: ReturnType<typeof layout>): void {
  const leftW = L.width * 0.42;
  const rightX = L.left + leftW;
  const rightW = L.width - leftW;
  const top = MARGIN.top;
  let y = top;
  if (doc.parentAgency) y = L.centred(doc.parentAgency, L.left, y, leftW, 'R', 12);
  y = L.centred(doc.agency, L.left, y, leftW, 'B', 12);
  L.line(L.left + (leftW - 60) / 2, y + 2, 60);
  const leftEnd = L.centred(doc.number, L.left, y + 8, leftW, 'R', 13);
  let r = L.centred('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', rightX, top, rightW, 'B', 12);
  r = L.centred('Độc lập - Tự do - Hạnh phúc', rightX, r, rightW, 'B', 13);
  const motto = L.set('B', 13).widthOfString('Độc lập - Tự do - Hạnh phúc');
  L.line(rightX + (rightW - motto) / 2, r + 2, motto);
  const rightEnd = L.centred(doc.placeDate, rightX, r + 8, rightW, 'I', 13);
  pdf.x = L.left;
  pdf.y = Math.max(leftEnd, rightEnd) + 14;
}

function table(pdf: Doc, block: Extract<Block, { kind: 'table' }>, L: ReturnType<typeof layout>): void {
  const total = block.columns.reduce((s, c) => s + c.width, 0);
  const widths = block.columns.map((c) => (c.width / total) * L.width);
  const pad = 3;
  const drawRow = (cells: string[], face: Face, header: boolean) => {
    L.set(face, 12);
    const heights = cells.map((text, i) => pdf.heightOfString(text || ' ', { width: widths[i]! - 2 * pad }));
    const h = Math.max(...heights) + 2 * pad;
    if (pdf.y + h > L.bottom()) {
      pdf.addPage();
      pdf.y = MARGIN.top;
      if (!header) drawRow(block.columns.map((c) => c.title), 'B', true);
    }
    const y = pdf.y;
    let x = L.left;
    cells.forEach((text, i) => {
      const w = widths[i]!;
      pdf.rect(x, y, w, h).lineWidth(0.5).stroke();
      const align = header ? 'center' : (block.columns[i]?.align ?? 'left');
      L.set(face, 12).text(text, x + pad, y + pad + (h - 2 * pad - heights[i]!) / 2, { width: w - 2 * pad, align });
      x += w;
    });
    pdf.x = L.left;
    pdf.y = y + h;
  };
  drawRow(block.columns.map((c) => c.title), 'B', true);
  for (const row of block.rows) drawRow(row, 'R', false);
  if (block.totalRow) drawRow(block.totalRow, 'B', false);
  pdf.y += 6;
}

function body(pdf: Doc, blocks: Block[], L: ReturnType<typeof layout>): void {
  for (const b of blocks) {
    pdf.x = L.left;
    if (b.kind === 'table') {
      table(pdf, b, L);
    } else if (b.kind === 'heading') {
      L.ensure(60);
      L.set('B', 14).text(b.text, L.left, pdf.y + 4, { width: L.width, align: 'justify', indent: INDENT, paragraphGap: 3 });
    } else if (b.kind === 'caption') {
      L.ensure(80);
      L.set('BI', 13).text(b.text, L.left, pdf.y + 4, { width: L.width, align: 'center', paragraphGap: 4 });
    } else {
      L.set('R', 14).text(b.text, L.left, pdf.y, { width: L.width, align: 'justify', indent: INDENT, paragraphGap: 6, lineGap: 2 });
    }
  }
}

function signature(pdf: Doc, doc: ReportDocument, L: ReturnType<typeof layout>): void {
  const leftW = L.width * 0.5;
  const rightX = L.left + leftW;
  const rightW = L.width - leftW;
  L.ensure(40 + Math.max(110, 14 * (doc.recipients.length + 1)));
  const top = pdf.y + 10;
  L.set('BI', 12).text('Nơi nhận:', L.left, top, { width: leftW });
  doc.recipients.forEach((r, i) => L.set('R', 11).text(`- ${r.replace(/[;.]$/, '')}${i === doc.recipients.length - 1 ? '.' : ';'}`, L.left, pdf.y, { width: leftW }));
  const leftEnd = pdf.y;
  let y = top;
  if (doc.signer.authority) y = L.centred(doc.signer.authority, rightX, y, rightW, 'B', 14);
  y = L.centred(doc.signer.title, rightX, y, rightW, 'B', 14);
  const rightEnd = L.centred(doc.signer.name, rightX, y + 70, rightW, 'B', 14);
  pdf.x = L.left;
  pdf.y = Math.max(leftEnd, rightEnd);
}

/** The PDF file of `doc`. */
export function reportPdf(doc: ReportDocument): Promise<Buffer> {
  // no default font (pdfkit would load Helvetica's metrics for nothing)
  const pdf = new PDFDocument({ size: 'A4', margins: MARGIN, info: { Title: `${doc.title} ${doc.subject}`, Creator: 'VHCV e-learning' }, font: '' });
  useSharedFaces(pdf, FONTS);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const L = layout(pdf);
  header(pdf, doc, L);
  if (doc.draft) pdf.y = L.centred('(DỰ THẢO)', L.left, pdf.y, L.width, 'I', 12) + 4;
  let y = L.centred(doc.title, L.left, pdf.y + 6, L.width, 'B', 14);
  y = L.centred(doc.subject, L.left, y, L.width, 'B', 14);
  L.line(L.left + (L.width - 90) / 2, y + 2, 90);
  y = L.centred(doc.to, L.left, y + 10, L.width, 'R', 14);
  pdf.x = L.left;
  pdf.y = y + 12;
  body(pdf, doc.blocks, L);
  signature(pdf, doc, L);
  pdf.end();
  return done;
}
