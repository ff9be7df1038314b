/**
 * Wording checks for issue #15 defect 8: what a hint promises and what its error refuses
 * say the same thing, the lockout message is a whole sentence, and the header does not
 * call every learner a "cán bộ, công chức, viên chức" (a Người lao động is none of these).
 */
import { expect } from 'chai';
import { t } from '../../server/i18n';
import { code } from '../../server/validation';

describe('i18n: wording that must agree with the rules', () => {
  it('the module-code hint and the code error name exactly the characters the rule accepts', () => {
    const hint = t('vi', 'module_code_hint');
    const error = t('vi', 'code_invalid');
    for (const mark of ['.', '_', '-']) {
      expect(code.safeParse(`A${mark}1`).success, `"${mark}" accepted`).to.equal(true);
      expect(hint, `hint names "${mark}"`).to.contain(` ${mark}`);
      expect(error, `error names "${mark}"`).to.contain(` ${mark}`);
    }
    for (const refused of ['/', ' ', 'Đ', '+']) expect(code.safeParse(`A${refused}1`).success, `"${refused}" refused`).to.equal(false);
    // a code may not start with a mark, and both messages say so
    expect(code.safeParse('-A').success).to.equal(false);
    for (const text of [hint, error]) expect(text).to.contain('bắt đầu bằng chữ cái hoặc chữ số');
  });

  it('the lockout message ends with a full stop in both languages', () => {
    expect(t('vi', 'sign_in_locked')).to.match(/\.$/);
    expect(t('en', 'sign_in_locked')).to.match(/\.$/);
  });

  it('the learner role is named for every kind of staff, not as "cán bộ, công chức, viên chức"', () => {
    expect(t('vi', 'role_officer')).to.equal('Học viên');
  });
});
