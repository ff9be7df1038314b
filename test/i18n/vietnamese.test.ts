import { expect } from 'chai';
import { foldForSearch, vietnameseSortKey } from '../../server/i18n/vietnamese';

/** Random Vietnamese-looking strings: letters with every tone, both cases, spaces, hyphens, digits. */
function randomStrings(count: number): string[] {
  const letters = [...'aăâbcdđeêghiklmnoôơpqrstuưvxy'];
  const tones = ['', '\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  const word = () => {
    let text = '';
    for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++) {
      const letter = random() < 0.3 ? pick(letters).toUpperCase() : pick(letters);
      text += (letter + pick(tones)).normalize(random() < 0.5 ? 'NFC' : 'NFD');
    }
    return text;
  };
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 1 + Math.floor(random() * 3) }, word);
    return words.join(pick([' ', ' ', '-'])) + (random() < 0.1 ? ` ${Math.floor(random() * 100)}` : '');
  });
}

describe('i18n: Vietnamese sort keys and search folding', () => {
  it('sorting by the key is sorting with Intl.Collator("vi")', () => {
    const collator = new Intl.Collator('vi');
    const strings = randomStrings(5_000);
    const byCollator = [...strings].sort(collator.compare);
    const byKey = strings.map((text) => ({ text, key: vietnameseSortKey(text) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const disagreements = byKey.filter(({ text }, i) => collator.compare(text, byCollator[i] as string) !== 0);
    expect(disagreements).to.deep.equal([]);
    expect(['Đào', 'Dung', 'Ánh', 'An', 'Bình', 'Ân'].sort((a, b) => (vietnameseSortKey(a) < vietnameseSortKey(b) ? -1 : 1))).to.deep.equal(['An', 'Ánh', 'Ân', 'Bình', 'Dung', 'Đào']);
  });

  it('folds case, tones, letter marks and đ for searching', () => {
    expect(foldForSearch('  Nguyễn   THỊ Ánh  Đào ')).to.equal('nguyen thi anh dao');
    expect(foldForSearch('Ư Ơ Ă Â Ê Ô'.normalize('NFD'))).to.equal('u o a a e o');
  });
});
