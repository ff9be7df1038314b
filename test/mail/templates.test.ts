import { expect } from 'chai';
import { catalogues } from '../../server/i18n';
import { escapeHtml, invitationEmail, passwordResetEmail } from '../../server/mail/templates';

const LINK = 'https://hoc.vhcv.example.vn/dat-lai-mat-khau?token=abc123&lang=vi';

describe('mail: templates', () => {
  it('escapes HTML special characters for text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).to.equal('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
  });

  it('password reset: Vietnamese text, the link, its validity and the advice to ignore', () => {
    const mail = passwordResetEmail({ name: 'Nguyễn Thị Ánh', link: LINK, minutes: 30, locale: 'vi' });
    expect(mail.subject).to.equal('Đặt lại mật khẩu — Nền tảng bồi dưỡng Văn hóa công vụ');
    expect(mail.text).to.include('Kính gửi Nguyễn Thị Ánh,');
    expect(mail.text).to.include(`\n${LINK}\n`);
    expect(mail.text).to.include('30 phút');
    expect(mail.text).to.include('một lần');
    expect(mail.text).to.include('bỏ qua thư này');
    expect(mail.html).to.include(`href="${LINK.replace('&', '&amp;')}"`);
    expect(mail.html).to.include('<html lang="vi">');
    expect(mail.html).to.not.match(/<img|src=/);
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).to.equal(part.normalize('NFC'));
  });

  it('escapes every interpolated value in HTML and keeps it raw in text', () => {
    const name = '<script>alert("x")</script> & Co';
    const mail = invitationEmail({ name, login: `CB<001>"'`, link: `${LINK}&x="><script>`, hours: 72, locale: 'vi' });
    expect(mail.html).to.not.include('<script>');
    expect(mail.html).to.include('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(mail.html).to.include('CB&lt;001&gt;&quot;&#39;');
    expect(mail.html).to.include('&amp;x=&quot;&gt;&lt;script&gt;');
    expect(mail.text).to.include(`Kính gửi ${name},`);
    expect(mail.text).to.include(`Tên đăng nhập (mã cán bộ): CB<001>"'`);
    expect(mail.text).to.include(`${LINK}&x="><script>`);
  });

  it('invitation: welcome, the sign-in name, the link and its validity in hours', () => {
    const mail = invitationEmail({ name: 'Trần Văn Đức', login: 'CB-000123', link: LINK, hours: 72, locale: 'vi' });
    expect(mail.subject).to.equal('Chào mừng Anh/Chị đến với Nền tảng bồi dưỡng Văn hóa công vụ');
    expect(mail.text).to.include('Nền tảng bồi dưỡng Văn hóa công vụ');
    expect(mail.text).to.include('Tên đăng nhập (mã cán bộ): CB-000123');
    expect(mail.text).to.include('72 giờ');
    expect(mail.text).to.include(LINK);
    expect(mail.html).to.include('Đặt mật khẩu</a>');
  });

  it('English versions and decomposed names come out NFC', () => {
    const decomposed = 'Nguyễn Thị Ánh'.normalize('NFD');
    const mail = passwordResetEmail({ name: decomposed, link: LINK, minutes: 15, locale: 'en' });
    expect(mail.subject).to.match(/^Reset your password/);
    expect(mail.text).to.include('Dear Nguyễn Thị Ánh,'.normalize('NFC'));
    expect(mail.text).to.include('15 minutes');
    expect(mail.html).to.include('<html lang="en">');
    expect(invitationEmail({ name: 'A', login: 'B', link: LINK, hours: 24, locale: 'en' }).text).to.include('24 hours');
  });

  it('refuses links that are not absolute http(s) URLs and non-positive durations', () => {
    expect(() => passwordResetEmail({ name: 'A', link: 'javascript:alert(1)', minutes: 30, locale: 'vi' })).to.throw(TypeError);
    expect(() => passwordResetEmail({ name: 'A', link: '/relative', minutes: 30, locale: 'vi' })).to.throw(TypeError);
    expect(() => passwordResetEmail({ name: 'A', link: LINK, minutes: 0, locale: 'vi' })).to.throw(RangeError);
    expect(() => invitationEmail({ name: 'A', login: 'B', link: LINK, hours: 1.5, locale: 'vi' })).to.throw(RangeError);
  });

  it('mail_ messages exist in both languages', () => {
    const ids = Object.keys(catalogues.vi).filter((id) => id.startsWith('mail_'));
    expect(ids.length).to.be.at.least(10);
    expect(Object.keys(catalogues.en).filter((id) => id.startsWith('mail_')).sort()).to.deep.equal(ids.sort());
  });
});
