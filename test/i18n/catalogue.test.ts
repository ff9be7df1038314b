import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { catalogues, isMessageId, t } from '../../server/i18n';
import { fromDatabaseError, type AppError } from '../../server/errors';
import { unitKindLabels, UNIT_KINDS } from '../../server/units/model';
import { officerCategoryLabels, officerStatusLabels, OFFICER_CATEGORIES, OFFICER_STATUSES } from '../../server/officers/model';
import { officerFieldLabels } from '../../server/officers/presenters';

/** The repository's server/ folder (tests run from dist/test/i18n). */
const SERVER_DIR = path.resolve(__dirname, '../../../server');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'engine' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Message ids as code passes them: to error factories, t(), typed constants and zod `error:` settings. */
const ID_USES = [
  // t('vi', id): the first argument may be a locale literal, which is no message id
  /\b(?:badRequest|notFound|conflict|t)\(\s*(?:\w+,\s*|'(?:vi|en)',\s*)?'(?!(?:vi|en)')([a-z0-9_]+)'/g,
  /'([a-z0-9_]+)' satisfies MessageId/g,
  /(?:\bid|missing): (?:MessageId = )?'([a-z0-9_]+)'/g,
  // functions that pick a message id ('field_required'); one-word returns are states ('exempt', 'missing')
  /return '([a-z0-9]+_[a-z0-9_]+)';/g,
];

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n: message catalogues', () => {
  it('Vietnamese and English have exactly the same keys and the same placeholders', () => {
    expect(Object.keys(catalogues.en).sort()).to.deep.equal(Object.keys(catalogues.vi).sort());
    for (const id of Object.keys(catalogues.vi) as Array<keyof typeof catalogues.vi>) {
      expect(placeholders(catalogues.en[id]), id).to.deep.equal(placeholders(catalogues.vi[id]));
      expect(catalogues.vi[id].trim(), id).to.not.equal('');
      expect(catalogues.en[id].trim(), id).to.not.equal('');
    }
  });

  it('Vietnamese text is NFC', () => {
    const notNfc = Object.entries(catalogues.vi).filter(([, text]) => text !== text.normalize('NFC'));
    expect(notNfc).to.deep.equal([]);
  });

  it('every message id used in the code exists in the catalogue', () => {
    const used = new Map<string, string>();
    for (const file of sourceFiles(SERVER_DIR)) {
      const source = fs.readFileSync(file, 'utf8');
      for (const pattern of ID_USES) for (const match of source.matchAll(pattern)) used.set(match[1] as string, path.relative(SERVER_DIR, file));
    }
    expect(used.size).to.be.at.least(25);
    const missing = [...used].filter(([id]) => !isMessageId(id));
    expect(missing).to.deep.equal([]);
  });

  it('every unit kind, officer category, status and import field has a label', () => {
    expect(Object.keys(unitKindLabels).sort()).to.deep.equal([...UNIT_KINDS].sort());
    expect(Object.keys(officerCategoryLabels).sort()).to.deep.equal([...OFFICER_CATEGORIES].sort());
    expect(Object.keys(officerStatusLabels).sort()).to.deep.equal([...OFFICER_STATUSES].sort());
    const labels = [...Object.values(unitKindLabels), ...Object.values(officerCategoryLabels), ...Object.values(officerStatusLabels), ...Object.values(officerFieldLabels)];
    expect(labels.filter((id) => !isMessageId(id))).to.deep.equal([]);
  });

  it('t() fills placeholders and keeps unknown ones visible', () => {
    expect(t('vi', 'unit_code_taken', { code: 'SNV' })).to.equal('Mã đơn vị SNV đã được sử dụng');
    expect(t('en', 'unit_has_active_officers', { count: 3 })).to.equal('The unit still has 3 serving officers');
    expect(t('vi', 'unit_inactive')).to.equal('Đơn vị {code} đã ngừng hoạt động');
    expect(t('vi', 'officer_category_vien_chuc')).to.equal('Viên chức');
  });
});

describe('errors: database failures mapped in one place', () => {
  it('maps duplicate keys, cast and validation errors to ids', () => {
    const duplicate = fromDatabaseError({ code: 11000, keyPattern: { code: 1 } }) as AppError;
    expect({ status: duplicate.status, id: duplicate.id, params: duplicate.params }).to.deep.equal({ status: 409, id: 'duplicate_value', params: { fields: 'code' } });
    expect((fromDatabaseError({ name: 'CastError', path: 'unitId' }) as AppError).id).to.equal('invalid_id');
    const validation = fromDatabaseError({ name: 'ValidationError', errors: { code: { kind: 'required' }, kind: { kind: 'enum' } } }) as AppError;
    expect({ status: validation.status, details: validation.details }).to.deep.equal({
      status: 422,
      details: [
        { field: 'code', id: 'field_required' },
        { field: 'kind', id: 'field_invalid_format' },
      ],
    });
    const other = new Error('boom');
    expect(fromDatabaseError(other)).to.equal(other);
  });
});
