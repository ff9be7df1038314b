/**
 * The raw inclusion projection (bson-walk projectInclusion, used by find): for every
 * projection it takes it must answer byte for byte what the decoding path answers
 * (applyProjection over the decoded document, re-encoded), and it must decline what it
 * does not handle so that the decoding path answers instead.
 */
import { expect } from 'chai';
import { deserialize, Int32, Long, ObjectId, serialize, type Document } from 'bson';
import { toBson, EXACT_DECODE } from '../../../server/db/engine/bson-raw';
import { inclusionTree, projectInclusion } from '../../../server/db/engine/bson-walk';
import { applyProjection } from '../../../server/db/engine/query/projection';
import { exactFormMatcher } from '../../../server/db/engine/query/match';

function bson(doc: Document): Buffer {
  const u8 = serialize(doc);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

const decodingPath = (buf: Buffer, projection: Document) => toBson(applyProjection(deserialize(buf, EXACT_DECODE), projection, {}, exactFormMatcher));

const moduleDoc = bson({
  _id: new ObjectId(),
  code: 'VHCV-DAO-DUC',
  publishedVersion: new Int32(3),
  archived: false,
  draft: { title: 'Đạo đức công vụ', topic: 'ethics', items: [{ kind: 'lesson', key: 'bai-1', body: '<p>'.padEnd(20_000, 'x') }] },
  big: new Long(5),
  tags: ['a', 'b'],
});

describe('engine: raw inclusion projection', () => {
  for (const projection of [{ code: 1 }, { code: 1, publishedVersion: 1, archived: 1 }, { 'draft.title': 1 }, { 'draft.title': true, code: 1, _id: 0 }, { _id: 1 }, { missing: 1 }, { big: new Int32(1), tags: 1 }, { 'draft.title': 1, 'draft.topic': 1 }]) {
    it(`answers ${JSON.stringify(projection)} exactly as the decoding path`, () => {
      const tree = inclusionTree(projection);
      expect(tree, 'handled by the raw path').to.not.equal(null);
      const raw = projectInclusion(moduleDoc, tree!);
      expect(raw).to.not.equal(null);
      expect(raw!.equals(decodingPath(moduleDoc, projection)), JSON.stringify(deserialize(raw!))).to.equal(true);
    });
  }

  it('declines exclusions, operators, positional paths and collisions', () => {
    for (const projection of [{ code: 0 }, { _id: 0 }, { tags: { $slice: 1 } }, { 'tags.$': 1 }, { draft: 1, 'draft.title': 1 }, { 'draft.title': 1, draft: 1 }, { '_id.x': 1 }, { 'a..b': 1 }, { code: 2 }]) {
      expect(inclusionTree(projection), JSON.stringify(projection)).to.equal(null);
    }
  });

  it('leaves a sub-path over an array, a scalar or an empty result to the decoding path', () => {
    const doc = bson({ _id: 1, items: [{ key: 'a' }], n: 5, draft: { other: 1 } });
    for (const projection of [{ 'items.key': 1 }, { 'n.x': 1 }, { 'draft.title': 1 }]) expect(projectInclusion(doc, inclusionTree(projection)!), JSON.stringify(projection)).to.equal(null);
  });
});
