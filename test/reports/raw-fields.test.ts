/**
 * The report's reader of raw BSON documents (server/reports/raw-fields.ts) against the
 * `bson` package's own decoding: every type the platform writes, the fields it skips, and
 * the types it hands to the full decoder.
 */
import { expect } from 'chai';
import { Binary, Decimal128, deserialize, Long, ObjectId, serialize, type Document } from 'bson';
import { fieldSet, readFields } from '../../server/reports/raw-fields';

const plain = (v: unknown) => (v instanceof ObjectId ? v.toHexString() : v instanceof Date ? v.getTime() : v);

describe('reports: reading fields from raw BSON', () => {
  const id = new ObjectId();
  const doc: Document = {
    skippedId: new ObjectId(),
    skippedText: 'bỏ qua',
    skippedDoc: { a: 1, b: [1, 2, { c: 'x' }] },
    skippedArray: ['a', 'b'],
    skippedLong: Long.fromNumber(5),
    skippedFlag: false,
    officerId: id,
    name: 'Nguyễn Thị Ánh Tuyết',
    dueDate: new Date('2026-11-15T16:59:59.999Z'),
    reason: null,
    attempts: 3,
    score: 87.5,
    done: true,
  };
  const names = ['officerId', 'name', 'dueDate', 'reason', 'attempts', 'score', 'done', 'missing'];

  it('gives ids as hex, dates as ms, strings, numbers, booleans, null, and undefined for an absent field', () => {
    const out = readFields(serialize(doc), fieldSet(names), []);
    expect(out).to.deep.equal([id.toHexString(), 'Nguyễn Thị Ánh Tuyết', Date.parse('2026-11-15T16:59:59.999Z'), null, 3, 87.5, true, undefined]);
    expect(out).to.deep.equal(names.map((n) => plain(deserialize(serialize(doc))[n])));
  });

  it('reuses the caller\'s array, clearing the fields a document lacks', () => {
    const set = fieldSet(['a', 'b']);
    const out: unknown[] = [];
    readFields(serialize({ a: 1, b: 2 }), set, out);
    expect(readFields(serialize({ a: 'x' }), set, out)).to.equal(out).and.deep.equal(['x', undefined]);
  });

  it('decodes the whole document for a wanted value of another type, with the same result as bson', () => {
    const other: Document = { bin: new Binary(Buffer.from('abc')), dec: Decimal128.fromString('1.5'), long: Long.fromNumber(42), sub: { x: 1 }, list: [1, 2], officerId: id };
    const wanted = ['long', 'sub', 'list', 'officerId', 'dec'];
    const decoded = deserialize(serialize(other));
    expect(readFields(serialize(other), fieldSet(wanted), [])).to.deep.equal(wanted.map((n) => plain(decoded[n])));
  });

  it('reads a Uint8Array as well as a Buffer (what the driver hands out)', () => {
    const bytes = serialize({ officerId: id });
    const copy = new Uint8Array(bytes.length + 8).subarray(4, 4 + bytes.length);
    copy.set(bytes);
    expect(readFields(copy, fieldSet(['officerId']), [])).to.deep.equal([id.toHexString()]);
  });
});
