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
import { createAccount } from '../../server/users/service';
import { buildOfficer, buildUnit } from '../factories';
import type { Client, TestPlatform } from '../http';
import { ROOT_DIR } from '../../server/app';

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

/** Stores `bytes` as a package of the people's unit, exactly as an upload would. */
export async function storeBytes(tp: TestPlatform, people: People, bytes: Buffer, name: string): Promise<ContentPackage> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-playback-'));
  try {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    const { record } = await storePackage(tp.platform.services.db, tp.platform.services.config, { file, size: bytes.length, originalName: name, ownerUnitId: people.unitId, uploadedBy: people.uploaderId });
    return record;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const storeFolder = async (tp: TestPlatform, people: People, folder: string) => storeBytes(tp, people, await zipFolder(folder), `${path.basename(folder)}.zip`);

/** Opens the package's play page as `client`; returns the page and the player's token. */
export async function open(client: Client, packageId: Types.ObjectId | string, query = ''): Promise<{ status: number; text: string; csp: string; playerUrl: string; token: string }> {
  const reply = await client.get(`/packages/${String(packageId)}/play${query}`);
  const match = /<iframe id="package-player" src="([^"]+)"/.exec(reply.text);
  const playerUrl = match ? match[1]!.replace(/&amp;/g, '&') : '';
  return { status: reply.status, text: reply.text, csp: reply.headers.get('content-security-policy') ?? '', playerUrl, token: playerUrl.split('/play/')[1] ?? '' };
}
