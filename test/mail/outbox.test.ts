import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { createMailer } from '../../server/mail/mailer';
import { listOutbox, readOutboxEml, readOutboxMessage } from '../../server/mail/outbox';
import { mailerOptionsFromEnv } from '../../server/mail';
import { parseEnv } from '../../server/env';

const FROM = 'Văn hóa công vụ <no-reply@localhost>';

describe('mail: outbox', () => {
  let root: string;
  let dir: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-outbox-'));
    // not created yet: the first message creates it
    dir = path.join(root, 'outbox');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a missing directory is an empty outbox', async () => {
    expect(await listOutbox(dir)).to.deep.equal({ items: [], total: 0 });
  });

  it('writes <id>.eml and <id>.json, and lists them newest first', async () => {
    const mailer = createMailer({ from: FROM, outboxDir: dir });
    expect(mailer.mode).to.equal('outbox');
    const sent = [];
    for (const n of [1, 2, 3]) sent.push(await mailer.send({ to: `can.bo${n}@example.vn`, subject: `Thư mời số ${n} — Lê Văn Đức`, text: `Nội dung ${n}`, html: `<p>Nội dung ${n}</p>` }));
    await mailer.close();

    expect(sent.every((s) => s.delivered === 'outbox')).to.equal(true);
    const files = fs.readdirSync(dir).sort();
    expect(files).to.deep.equal(sent.flatMap((s) => [`${s.id}.eml`, `${s.id}.json`]).sort());
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir, files[0] as string)).mode & 0o777).to.equal(0o600);

    const list = await listOutbox(dir);
    expect(list.total).to.equal(3);
    expect(list.items.map((i) => i.id)).to.deep.equal(sent.map((s) => s.id).reverse());
    expect(list.items[0]).to.deep.include({ to: 'can.bo3@example.vn', subject: 'Thư mời số 3 — Lê Văn Đức' });
    expect(Object.keys(list.items[0] as object).sort()).to.deep.equal(['date', 'id', 'subject', 'to']);
    expect(new Date(list.items[0]!.date).toISOString()).to.equal(list.items[0]!.date);

    const page = await listOutbox(dir, { limit: 1, offset: 1 });
    expect(page).to.deep.equal({ items: [list.items[1]], total: 3 });
    expect((await listOutbox(dir, { offset: 5 })).items).to.deep.equal([]);
  });

  it('reads a message back, and its .eml is the same message', async () => {
    const mailer = createMailer({ from: FROM, outboxDir: dir });
    const { id } = await mailer.send({ to: 'Nguyễn Thị Ánh <anh@example.vn>', subject: 'Đặt lại mật khẩu — Nguyễn Thị Ánh', text: 'Xin chào Ánh\n', html: '<p>Xin chào Ánh</p>' });

    const message = await readOutboxMessage(dir, id);
    expect(message).to.deep.include({ id, to: 'Nguyễn Thị Ánh <anh@example.vn>', subject: 'Đặt lại mật khẩu — Nguyễn Thị Ánh', text: 'Xin chào Ánh\n', html: '<p>Xin chào Ánh</p>' });

    const parsed = await simpleParser((await readOutboxEml(dir, id)) as Buffer);
    expect(parsed.subject).to.equal('Đặt lại mật khẩu — Nguyễn Thị Ánh');
    expect(parsed.text).to.equal('Xin chào Ánh\n');
    expect(parsed.messageId).to.equal(`<${id}@localhost>`);
    // the Date header has whole seconds
    expect(parsed.date?.getTime()).to.equal(Math.floor(Date.parse(message?.date as string) / 1000) * 1000);
  });

  it('a message without html has no html field', async () => {
    const { id } = await createMailer({ from: FROM, outboxDir: dir }).send({ to: 'a@example.vn', subject: 's', text: 't' });
    expect(await readOutboxMessage(dir, id)).to.not.have.property('html');
  });

  it('refuses malformed ids, so no path can escape the directory', async () => {
    const mailer = createMailer({ from: FROM, outboxDir: dir });
    const { id } = await mailer.send({ to: 'a@example.vn', subject: 's', text: 't' });
    fs.writeFileSync(path.join(root, 'secret.json'), JSON.stringify({ id: '../secret', to: 'x', subject: 'x', date: 'x', text: 'x' }));

    for (const bad of ['../secret', `../outbox/${id}`, path.join(dir, id), `${id}\0`, `${id}.json`, `${id}/`, '', `${id.slice(0, -1)}A` /* upper-case hex (id.toUpperCase() is the id itself when its random part has no letter) */, `${id} `]) {
      expect(await readOutboxMessage(dir, bad), JSON.stringify(bad)).to.equal(null);
      expect(await readOutboxEml(dir, bad), JSON.stringify(bad)).to.equal(null);
    }
    expect(await readOutboxMessage(dir, id.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).to.equal(null);
    expect(await readOutboxMessage(dir, id)).to.not.equal(null);
  });

  it('ignores unfinished and foreign files when listing, and a corrupt .json reads as null', async () => {
    const { id } = await createMailer({ from: FROM, outboxDir: dir }).send({ to: 'a@example.vn', subject: 's', text: 't' });
    fs.writeFileSync(path.join(dir, `.${id}.json.abcd.tmp`), '{');
    fs.writeFileSync(path.join(dir, 'notes.json'), '{}');
    expect((await listOutbox(dir)).items.map((i) => i.id)).to.deep.equal([id]);

    fs.writeFileSync(path.join(dir, `${id}.json`), '{ not json');
    expect(await readOutboxMessage(dir, id)).to.equal(null);
  });
});

describe('mail: configuration', () => {
  it('uses SMTP_URL when set and DATA_DIR/outbox otherwise', () => {
    const withSmtp = mailerOptionsFromEnv(parseEnv({ SMTP_URL: 'smtp://relay.example.vn:25', DATA_DIR: '/srv/vhcv' }));
    expect(withSmtp).to.deep.equal({ smtpUrl: 'smtp://relay.example.vn:25', maxConnections: 8, from: 'Văn hóa công vụ <no-reply@localhost>', outboxDir: path.resolve('/srv/vhcv/outbox') });
    expect(mailerOptionsFromEnv(parseEnv({ DATA_DIR: '/srv/vhcv' }))).to.not.have.property('smtpUrl');
    expect(mailerOptionsFromEnv(parseEnv({ SMTP_URL: 'smtp://relay.example.vn:25', SMTP_MAX_CONNECTIONS: '20', DATA_DIR: '/srv/vhcv' })).maxConnections).to.equal(20);
    expect(() => parseEnv({ SMTP_MAX_CONNECTIONS: '0', DATA_DIR: '/srv/vhcv' })).to.throw();
  });
});
