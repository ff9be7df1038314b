/**
 * What the playback tests share: a platform with an officer, a coordinator and packages
 * stored the way an upload stores them (storePackage on zipped bytes), and helpers to
 * open a package as the officer and read the player's token.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Types } from 'mongoose';
import { storePackage } from '../../server/packages/service';
import { zipFolder } from '../../server/packages/folder-zip';
import type { ContentPackage } from '../../server/packages/model';
import type { PackageItem } from '../../server/modules/model';
import { createAccount } from '../../server/users/service';
import { buildOfficer, buildUnit } from '../factories';
import type { Client, TestPlatform } from '../http';
import { ROOT_DIR } from '../../server/app';
import { officerModel } from '../../server/officers/model';
import { progressModel } from '../../server/progress/model';
import { trainingYear } from '../../server/progress/year';
import { buildPublishedModule } from '../learning/fixtures';

export const PASSWORD = 'mật khẩu thử phát gói';
export const IN_HOUSE_SCORM12 = path.join(ROOT_DIR, 'content', 'packages', 'scorm12-vhcv');
export const IN_HOUSE_H5P = path.join(ROOT_DIR, 'content', 'packages', 'h5p-vhcv');

export interface People {
  unitId: Types.ObjectId;
  officerId: Types.ObjectId;
  uploaderId: Types.ObjectId;
}

/** A unit with a coordinator (who uploads) and two officers who sign in: officer.a, officer.b. */
export async function buildPeople(tp: TestPlatform): Promise<People> {
  const db = tp.platform.services.db;
  const root = await buildUnit({ name: 'Tỉnh thử phát gói' });
  const unit = await buildUnit({ parentId: root._id, name: 'Sở Nội vụ', kind: 'department' });
  const officerA = await buildOfficer({ unitId: unit._id, fullName: 'Nguyễn Văn An' });
  const officerB = await buildOfficer({ unitId: unit._id, fullName: 'Trần Thị Bình' });
  const coordinator = await createAccount(db, { username: 'coord.play', displayName: 'Điều phối', role: 'coordinator', unitId: unit._id, password: PASSWORD }, 4);
  await createAccount(db, { username: 'officer.a', displayName: 'Nguyễn Văn An', role: 'officer', unitId: unit._id, officerId: officerA._id, officerCode: officerA.code, password: PASSWORD }, 4);
  await createAccount(db, { username: 'officer.b', displayName: 'Trần Thị Bình', role: 'officer', unitId: unit._id, officerId: officerB._id, officerCode: officerB.code, password: PASSWORD }, 4);
  return { unitId: unit._id, officerId: officerA._id, uploaderId: coordinator._id };
}

/**
 * Stores `bytes` as a package of the people's unit, exactly as an upload would; unless
 * `offer` is false, the package is also the item of a published module that officers A
 * and B have started (an officer plays packages as module items).
 */
export async function storeBytes(tp: TestPlatform, people: People, bytes: Buffer, name: string, offer = true, item: Partial<PackageItem> = {}): Promise<ContentPackage> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-playback-'));
  try {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    const { record } = await storePackage(tp.platform.services.db, tp.platform.services.config, { file, size: bytes.length, originalName: name, ownerUnitId: people.unitId, uploadedBy: people.uploaderId });
    if (offer) await offerInModule(tp, people, record, item);
    return record;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A published module whose one item is `record` (with `item`'s settings), started this year by officers A and B. */
export async function offerInModule(tp: TestPlatform, people: People, record: ContentPackage, item: Partial<PackageItem> = {}): Promise<Types.ObjectId> {
  const db = tp.platform.services.db;
  const { moduleId, version } = await buildPublishedModule(db, { items: [{ kind: 'package', key: 'goi', title: record.title, packageId: record._id, sco: null, ...item }], ownerUnitId: people.unitId });
  const officers = await officerModel(db).find({ unitId: people.unitId }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  for (const officer of officers) {
    await progressModel(db).create({ officerId: officer._id, moduleId, year: trainingYear(), version: version.version, unitId: people.unitId, status: 'in-progress', doneItems: [], itemCount: 1, percent: 0, lastItemKey: 'goi', startedAt: new Date() });
  }
  return moduleId;
}

export const storeFolder = async (tp: TestPlatform, people: People, folder: string, offer = true) => storeBytes(tp, people, await zipFolder(folder), `${path.basename(folder)}.zip`, offer);

/** Opens the package's play page as `client`; returns the page and the player's token. */
export async function open(client: Client, packageId: Types.ObjectId | string, query = ''): Promise<{ status: number; text: string; csp: string; playerUrl: string; token: string }> {
  let reply = await client.get(`/packages/${String(packageId)}/play${query}`);
  // an officer is sent to the module item that holds the package
  if (reply.status === 303 && reply.location?.startsWith('/learn/modules/')) reply = await client.get(reply.location);
  const match = /<iframe id="package-player" src="([^"]+)"/.exec(reply.text);
  const playerUrl = match ? match[1]!.replace(/&amp;/g, '&') : '';
  return { status: reply.status, text: reply.text, csp: reply.headers.get('content-security-policy') ?? '', playerUrl, token: playerUrl.split('/play/')[1] ?? '' };
}
