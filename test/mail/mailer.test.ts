import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { encodeWords, plainMailbox } from '../../server/mail/compose';
import { createMailer, MailDeliveryError, type Mailer } from '../../server/mail/mailer';
import { startTestSmtp, type TestSmtp } from '../support/smtp';

const FROM = 'Văn hóa công vụ <no-reply@vhcv.example.vn>';

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('mail: mailer over SMTP', () => {
  let smtp: TestSmtp;
  let mailer: Mailer;
  let outboxDir: string;

  before(async () => {
    smtp = await startTestSmtp();
    outboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-smtp-'));
    mailer = createMailer({ smtpUrl: smtp.url, from: FROM, outboxDir });
  });
  after(async () => {
    await mailer?.close();
    await smtp?.close();
    fs.rmSync(outboxDir, { recursive: true, force: true });
  });

  it('delivers Vietnamese subject, body and sender byte-exact after decoding, and writes no outbox', async () => {
    const subject = 'Đặt lại mật khẩu — Nguyễn Thị Ánh';
    const text = 'Kính gửi Nguyễn Thị Ánh,\n\nỞ Đắk Lắk, Thừa Thiên Huế, Quảng Ngãi: “ngoặc kép”, €, 😀.\n';
    const html = '<p>Kính gửi <b>Nguyễn Thị Ánh</b></p>';

    const result = await mailer.send({ to: 'anh.nguyen@example.vn', subject, text, html });

    expect(result.delivered).to.equal('smtp');
    expect(result.id).to.match(/^\d{8}T\d{9}Z-[0-9a-f]{12}$/);
    const mail = await smtp.waitFor((m) => m.to.includes('anh.nguyen@example.vn'));
    expect(mail.subject).to.equal(subject);
    expect(mail.text).to.equal(text);
    expect(mail.html).to.equal(html);
    expect(mail.from).to.equal('"Văn hóa công vụ" <no-reply@vhcv.example.vn>');
    expect(fs.readdirSync(outboxDir)).to.deep.equal([]);
  });

  it('keeps the pool usable for several messages in a row', async () => {
    const sent = await Promise.all([1, 2, 3].map((n) => mailer.send({ to: `officer${n}@example.vn`, subject: `Thư số ${n}`, text: `Nội dung ${n}` })));
    expect(new Set(sent.map((s) => s.id)).size).to.equal(3);
    for (const n of [1, 2, 3]) expect((await smtp.waitFor((m) => m.to.includes(`officer${n}@example.vn`))).text.trim()).to.equal(`Nội dung ${n}`);
  });

  it('composes long Vietnamese subjects, named recipients and text-only mails itself, byte-exact after decoding', async () => {
    const subject = 'Nhắc nhở học phần «Văn hóa công vụ và đạo đức nghề nghiệp của cán bộ, công chức cấp xã»: hạn hoàn thành 31/12/2026';
    const text = 'Kính gửi Trần Văn Đức,\n\nDòng bắt đầu bằng dấu chấm:\n.\n..\nHết.';
    await mailer.send({ to: 'Trần Văn Đức <duc.tran@example.vn>', subject, text });
    const mail = await smtp.waitFor((m) => m.to.includes('duc.tran@example.vn'));
    expect(mail.subject).to.equal(subject);
    expect(mail.text).to.equal(text);
    expect(mail.html).to.equal(undefined);
    // every encoded word within RFC 2047's 75 characters, each line of the header folded
    for (const word of encodeWords(subject).split('\r\n ')) expect(word.length).to.be.at.most(75);
    expect(encodeWords('Plain ASCII subject')).to.equal('Plain ASCII subject');
  });

  it('never lets a subject or a name add a header; unusual addresses go through nodemailer and still arrive', async () => {
    await mailer.send({ to: 'inject@example.vn', subject: 'Chào\r\nBcc: victim@example.vn', text: 'x' });
    const mail = await smtp.waitFor((m) => m.to.includes('inject@example.vn'));
    expect(mail.to).to.deep.equal(['inject@example.vn']);
    expect(mail.subject).to.equal('Chào\r\nBcc: victim@example.vn');
    expect(plainMailbox('Tên\r\nBcc: x@y.vn <a@example.vn>')).to.equal(null);
    expect(plainMailbox('"Lê, Thị" <le.thi@example.vn>')).to.deep.equal({ name: 'Lê, Thị', address: 'le.thi@example.vn' });
    expect(plainMailbox('a@example.vn, b@example.vn')).to.equal(null);
    // a domain in Vietnamese (IDN): nodemailer's composer writes it in punycode
    await mailer.send({ to: 'Nguyễn Ánh <anh@ví-dụ.vn>', subject: 'Địa chỉ lạ', text: 'y' });
    expect((await smtp.waitFor((m) => m.subject === 'Địa chỉ lạ')).text.trim()).to.equal('y');
  });

  it('waitFor rejects with the received subjects when nothing matches', async () => {
    const error = await smtp.waitFor((m) => m.to.includes('nobody@example.vn'), 100).then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/no matching e-mail within 100 ms/);
  });
});

describe('mail: SMTP failures', () => {
  const timeouts = { connectionMs: 1_000, greetingMs: 1_000, socketMs: 1_000 };

  it('rejects with a MailDeliveryError when the port is closed, without revealing the password', async () => {
    const port = await closedPort();
    const mailer = createMailer({ smtpUrl: `smtp://user:S3cret-pass@127.0.0.1:${port}`, from: FROM, outboxDir: os.tmpdir(), timeouts });
    const started = Date.now();
    try {
      const error = await mailer.send({ to: 'a@example.vn', subject: 'x', text: 'x' }).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(MailDeliveryError);
      expect((error as MailDeliveryError).message).to.include(`smtp://127.0.0.1:${port}`);
      expect((error as MailDeliveryError).message).to.not.include('S3cret-pass');
      expect((error as MailDeliveryError).code).to.be.a('string');
      expect(Date.now() - started).to.be.below(5_000);
    } finally {
      await mailer.close();
    }
  });

  it('rejects after the greeting timeout when the server accepts but never speaks', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM, outboxDir: os.tmpdir(), timeouts: { ...timeouts, greetingMs: 300 } });
    try {
      const error = await mailer.send({ to: 'a@example.vn', subject: 'x', text: 'x' }).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(MailDeliveryError);
      expect((error as MailDeliveryError).code).to.equal('ETIMEDOUT');
    } finally {
      await mailer.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses to send after close', async () => {
    const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: FROM, outboxDir: os.tmpdir() });
    await mailer.close();
    const error = await mailer.send({ to: 'a@example.vn', subject: 'x', text: 'x' }).then(() => null, (e: Error) => e);
    expect(error?.message).to.equal('mailer is closed');
  });
});
