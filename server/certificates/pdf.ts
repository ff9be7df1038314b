/**
 * The certificate as an A4 landscape PDF (pdfkit, Tinos embedded — metric-compatible with
 * Times New Roman, shipped through npm so every server draws the same glyphs). The QR
 * code is drawn as vector squares (sharp at any zoom and print size) and carries
 * PUBLIC_URL/verify/<code>.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { useSharedFaces } from '../fonts/shared-faces';
import { reusableImage } from './images';
import type { Certificate, CertifiedModule } from './model';
import type { CertificateSettings } from './settings';

/** What a certificate shows (a stored certificate, or the settings page's sample). */
export type PrintedCertificate = Pick<Certificate, 'kind' | 'year' | 'officerName' | 'unitName' | 'registerNumber' | 'issuedAt' | 'code'> & { modules: Array<Pick<CertifiedModule, 'title'>> };

export interface CertificateArt {
  settings: Pick<CertificateSettings, 'parentAgency' | 'issuer' | 'place' | 'signerTitle' | 'signerName'>;
  seal: Buffer | null;
  signature: Buffer | null;
  /** PUBLIC_URL, without a trailing slash */
  publicUrl: string;
}

export const verifyUrl = (publicUrl: string, code: string): string => `${publicUrl.replace(/\/+$/, '')}/verify/${code}`;

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });
/** Day, month and year in Asia/Ho_Chi_Minh. */
function vietnamDay(at: Date): { day: string; month: string; year: string } {
  const parts = DAY_FORMAT.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: get('day'), month: get('month'), year: get('year') };
}

/** "Bắc Ninh, ngày 07 tháng 12 năm 2026" (months 1 and 2 are written 01, 02 as Nghị định 30 asks). */
export function placeAndDate(place: string, at: Date): string {
  const { day, month, year } = vietnamDay(at);
  const date = `ngày ${day} tháng ${month} năm ${year}`;
  return place.trim() ? `${place.trim()}, ${date}` : date.charAt(0).toUpperCase() + date.slice(1);
}

const PAGE = { width: 841.89, height: 595.28 };
const RED = '#8f1d1d';
const GOLD = '#b08a2e';
const INK = '#1b1b1b';

/** Draws the QR code of `text` as squares, `size` points wide, top-left at (x, y). */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const quiet = 2;
  const cell = size / (count + 2 * quiet);
  doc.rect(x, y, size, size).fill('#ffffff');
  for (let row = 0; row < count; row++) {
    // one rectangle per run of dark modules: fewer path operations, no hairline seams
    let start = -1;
    for (let col = 0; col <= count; col++) {
      const dark = col < count && qr.modules.get(row, col) === 1;
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        doc.rect(x + (quiet + start) * cell, y + (quiet + row) * cell, (col - start) * cell, cell);
        start = -1;
      }
    }
  }
  doc.fill('#000000');
}

/** Text centred on `cx` within `width`. */
function centred(doc: PDFKit.PDFDocument, text: string, cx: number, y: number, width: number, options: PDFKit.Mixins.TextOptions = {}): void {
  doc.text(text, cx - width / 2, y, { width, align: 'center', lineBreak: true, ...options });
}

/** The body: who, where, what was completed (font shrinks so that a long module list fits its box). */
function drawBody(doc: PDFKit.PDFDocument, cert: PrintedCertificate): void {
  const cx = PAGE.width / 2;
  doc.font('italic').fontSize(15).fillColor(INK);
  centred(doc, 'Chứng nhận ông (bà):', cx, 182, 600);
  doc.font('bold').fontSize(24).fillColor(RED);
  centred(doc, cert.officerName, cx, 202, 700);
  doc.font('regular').fontSize(15).fillColor(INK);
  centred(doc, `Đơn vị công tác: ${cert.unitName}`, cx, 238, 680);
  doc.font('bold').fontSize(16);
  const what =
    cert.kind === 'plan'
      ? `Đã hoàn thành chương trình bồi dưỡng văn hóa công vụ năm ${cert.year}`
      : `Đã hoàn thành học phần “${cert.modules[0]?.title ?? ''}” thuộc chương trình bồi dưỡng văn hóa công vụ năm ${cert.year}`;
  centred(doc, what, cx, 264, 680);
  if (cert.kind !== 'plan' || cert.modules.length === 0) return;
  // one module a line while they fit (the usual plan has 3–5), else one paragraph
  const box = { top: doc.y + 4, height: 392 - doc.y - 4, width: 660 };
  const lines = cert.modules.map((m, i) => `${i + 1}. ${m.title}`);
  doc.font('italic').fontSize(13);
  centred(doc, 'gồm các học phần:', cx, box.top, box.width);
  const listTop = doc.y + 1;
  const room = box.top + box.height - listTop;
  let size = 13;
  const fits = () => lines.every((line) => doc.widthOfString(line) <= box.width) && lines.length * doc.currentLineHeight(true) <= room;
  while (size > 10.5 && !fits()) doc.fontSize(--size);
  if (fits()) {
    centred(doc, lines.join('\n'), cx, listTop, box.width);
    return;
  }
  const text = `${lines.join('; ')}.`;
  size = 13;
  doc.fontSize(size);
  while (size > 8 && doc.heightOfString(text, { width: box.width, align: 'center' }) > room) doc.fontSize(--size);
  centred(doc, text, cx, listTop, box.width, { height: room, ellipsis: true });
}

/** The signer's block on the right: place and date, title, seal and signature, name. */
function drawSigner(doc: PDFKit.PDFDocument, cert: PrintedCertificate, art: CertificateArt, images: { seal: Buffer | null; signature: Buffer | null }): void {
  const cx = 620;
  const width = 330;
  doc.font('italic').fontSize(13).fillColor(INK);
  centred(doc, placeAndDate(art.settings.place, cert.issuedAt), cx, 404, width);
  doc.font('bold').fontSize(13);
  centred(doc, art.settings.signerTitle.toLocaleUpperCase('vi'), cx, 422, width);
  // the seal sits to the left over the signature, as stamped on paper
  if (images.seal) doc.image(images.seal, cx - 95, 440, { fit: [100, 100], align: 'center', valign: 'center' });
  if (images.signature) doc.image(images.signature, cx - 60, 450, { fit: [120, 70], align: 'center', valign: 'center' });
  doc.font('bold').fontSize(14);
  centred(doc, art.settings.signerName, cx, 540, width);
}

/** Register number, verification code and QR code at the bottom left. */
function drawVerification(doc: PDFKit.PDFDocument, cert: PrintedCertificate, art: CertificateArt): void {
  const url = verifyUrl(art.publicUrl, cert.code);
  drawQr(doc, url, 62, 432, 104);
  doc.font('regular').fontSize(11).fillColor(INK);
  doc.text('Số vào sổ: ', 176, 452, { continued: true }).font('bold').text(cert.registerNumber);
  doc.font('regular').fontSize(10).text(`Mã xác thực: ${cert.code}`, 176, 472);
  doc.fontSize(9).fillColor('#444444').text('Quét mã QR hoặc truy cập:', 176, 490).text(url, 176, 503, { width: 260 });
}

/** The header: issuing agency and number on the left, quốc hiệu and tiêu ngữ on the right. */
function drawHeader(doc: PDFKit.PDFDocument, cert: PrintedCertificate, art: CertificateArt): void {
  const left = { cx: 215, width: 330 };
  doc.fillColor(INK);
  let y = 52;
  if (art.settings.parentAgency.trim()) {
    doc.font('regular').fontSize(12.5);
    centred(doc, art.settings.parentAgency.toLocaleUpperCase('vi'), left.cx, y, left.width);
    y = doc.y;
  }
  doc.font('bold').fontSize(12.5);
  centred(doc, art.settings.issuer.toLocaleUpperCase('vi'), left.cx, y, left.width);
  y = doc.y + 3;
  doc.moveTo(left.cx - 40, y).lineTo(left.cx + 40, y).lineWidth(0.8).stroke(INK);
  doc.font('regular').fontSize(12.5);
  centred(doc, `Số: ${cert.registerNumber}`, left.cx, y + 8, left.width);

  const right = { cx: 590, width: 400 };
  doc.font('bold').fontSize(12.5);
  centred(doc, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', right.cx, 52, right.width);
  doc.fontSize(13.5);
  centred(doc, 'Độc lập - Tự do - Hạnh phúc', right.cx, doc.y + 1, right.width);
  const mottoWidth = doc.widthOfString('Độc lập - Tự do - Hạnh phúc');
  const underline = doc.y + 2;
  doc.moveTo(right.cx - mottoWidth / 2, underline).lineTo(right.cx + mottoWidth / 2, underline).lineWidth(0.8).stroke(INK);
}

/** A double frame with small corner squares. */
function drawFrame(doc: PDFKit.PDFDocument): void {
  doc.lineWidth(3).rect(18, 18, PAGE.width - 36, PAGE.height - 36).stroke(RED);
  doc.lineWidth(1).rect(27, 27, PAGE.width - 54, PAGE.height - 54).stroke(GOLD);
  for (const [x, y] of [[27, 27], [PAGE.width - 27, 27], [27, PAGE.height - 27], [PAGE.width - 27, PAGE.height - 27]] as const) {
    doc.rect(x - 5, y - 5, 10, 10).fill(GOLD);
  }
}

/** Renders one certificate; resolves to the PDF's bytes. */
export async function renderCertificatePdf(cert: PrintedCertificate, art: CertificateArt): Promise<Buffer> {
  const [seal, signature] = await Promise.all([reusableImage(art.seal, 'ISeal'), reusableImage(art.signature, 'ISign')]);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    info: { Title: `Giấy chứng nhận ${cert.registerNumber}`, Author: art.settings.issuer, Subject: `Bồi dưỡng văn hóa công vụ năm ${cert.year}` },
    lang: 'vi-VN',
    // no default font: pdfkit would parse Helvetica's metrics for every PDF, and Tinos is set before any text
    font: '',
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  useSharedFaces(doc, { regular: 'regular', bold: 'bold', italic: 'italic' });
  drawFrame(doc);
  drawHeader(doc, cert, art);
  doc.font('bold').fontSize(34).fillColor(RED);
  centred(doc, 'GIẤY CHỨNG NHẬN', PAGE.width / 2, 126, 700, { characterSpacing: 1.5 });
  drawBody(doc, cert);
  drawVerification(doc, cert, art);
  drawSigner(doc, cert, art, { seal: seal?.(doc) ?? null, signature: signature?.(doc) ?? null });
  doc.end();
  return done;
}

/** Throws unless pdfkit can embed `image` (the settings' check of an uploaded seal or signature). */
export async function checkEmbeddable(image: Buffer): Promise<void> {
  const doc = new PDFDocument({ size: [100, 100], margin: 0 });
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('data', () => undefined);
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.image(image, 0, 0, { fit: [100, 100] });
  doc.end();
  await ended;
}
