/**
 * The world of the authoring tests: a province P with departments A (division A1) and B
 * (division B1); coordinators of A and of B, a manager of A, an officer in A1 and an
 * admin, each a cookie client signed in through the real login form.
 */
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { buildOfficer, buildUnit } from '../factories';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import type { Officer } from '../../server/officers/model';
import type { Unit } from '../../server/units/model';
import type { Role } from '../../server/users/model';
import { createAccount } from '../../server/users/service';

const PASSWORD = 'mật khẩu soạn thảo';

export interface AuthoringWorld {
  tp: TestPlatform;
  units: { P: Unit; A: Unit; A1: Unit; B: Unit; B1: Unit };
  officers: { A1: Officer; B1: Officer };
  as: { coordA: Client; coordB: Client; manager: Client; officer: Client; admin: Client };
  /** posts a form with the CSRF token of the home page */
  post(client: Client, url: string, form: Record<string, string>): Promise<Reply>;
  /** posts multipart data (a file upload) with the CSRF token */
  upload(client: Client, url: string, file: { name: string; content: string | Uint8Array<ArrayBuffer> }): Promise<Reply>;
}

let serial = 0;

export async function buildAuthoringWorld(name: string, settings: Record<string, string> = {}): Promise<AuthoringWorld> {
  const tp = await startTestPlatform(name, settings);
  const db = tp.platform.services.db;
  const P = await buildUnit({ name: 'Tỉnh soạn thảo' });
  const A = await buildUnit({ parentId: P._id, name: 'Sở A', kind: 'department' });
  const A1 = await buildUnit({ parentId: A._id, name: 'Phòng A1' });
  const B = await buildUnit({ parentId: P._id, name: 'Sở B', kind: 'department' });
  const B1 = await buildUnit({ parentId: B._id, name: 'Phòng B1' });
  const officerA1 = await buildOfficer({ unitId: A1._id });
  const officerB1 = await buildOfficer({ unitId: B1._id });
  const account = async (role: Role, unitId: Types.ObjectId | null, officer?: Officer) => {
    const username = `soan.${role}.${++serial}`;
    await createAccount(db, { username, displayName: `Soạn ${role}`, role, password: PASSWORD, ...(unitId ? { unitId } : {}), ...(officer ? { officerId: officer._id, officerCode: officer.code } : {}) }, 4);
    const client = tp.client();
    await client.signIn(username, PASSWORD);
    return client;
  };
  const as = {
    coordA: await account('coordinator', A._id),
    coordB: await account('coordinator', B._id),
    manager: await account('manager', A._id),
    officer: await account('officer', A1._id, officerA1),
    admin: await account('admin', null),
  };
  return {
    tp,
    units: { P, A, A1, B, B1 },
    officers: { A1: officerA1, B1: officerB1 },
    as,
    post: (client, url, form) => client.submit(url, form, '/'),
    async upload(client, url, file) {
      const body = new FormData();
      body.set('_csrf', await client.csrf('/'));
      body.set('file', new Blob([file.content]), file.name);
      return client.request('POST', url, { body });
    },
  };
}

/** The Vietnamese text of a message shows on the page (how page tests check which error was given). */
export function expectMessage(reply: Reply, text: string): void {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
  expect(reply.text.includes(text) || reply.text.includes(escaped), `page should say: ${text}\n${reply.text.slice(0, 400)}`).to.equal(true);
}
