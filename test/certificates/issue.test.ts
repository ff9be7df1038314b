/**
 * Issuing (issue #13): a certificate when an officer completes the year's plan, per module
 * when the campaign says so, register numbers gapless and unique under concurrency,
 * revocation and re-issue, and the backfill of completions from before the feature.
 */
import { expect } from 'chai';
import type { Connection, Types } from 'mongoose';
import { startTestPlatform, type TestPlatform } from '../http';
import { enrolmentModel } from '../../server/campaigns/model';
import { certificateModel, type Certificate } from '../../server/certificates/model';
import { backfillCertificates } from '../../server/certificates/issue';
import { reissueCertificate, revokeCertificate } from '../../server/certificates/service';
import { progressModel } from '../../server/progress/model';
import { buildCertificateWorld, completeModule, YEAR, type CertificateWorld } from './world';

describe('certificates: issuing', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let db: Connection;
  let world: CertificateWorld;

  before(async () => {
    tp = await startTestPlatform('certificates-issue');
    db = tp.platform.services.db;
  });
  after(() => tp.close());
  beforeEach(async () => {
    world = await buildCertificateWorld(db);
  });

  const ofOfficer = (officerId: Types.ObjectId) => certificateModel(db).find({ officerId }).sort({ issuedAt: 1, serial: 1 }).lean<Certificate[]>();

  it('issues the plan certificate once every enrolled module is completed, not before', async () => {
    const officer = await world.officer(world.units.A1, { fullName: 'Trần Thị Ngọc Ánh' });
    await world.plan(world.units.A, world.modules);
    await completeModule(db, officer, world.modules[0]!);
    expect(await ofOfficer(officer._id)).to.have.length(0);
    await completeModule(db, officer, world.modules[1]!);
    const [certificate, ...rest] = await ofOfficer(officer._id);
    expect(rest).to.have.length(0);
    expect(certificate).to.include({ kind: 'plan', year: YEAR, serial: 1, officerName: 'Trần Thị Ngọc Ánh', unitName: 'Phòng Tổ chức – Biên chế', status: 'valid' });
    expect(certificate!.registerNumber).to.equal(`1/${YEAR}/CN-${world.units.A1.code}`);
    expect(certificate!.code).to.match(/^[a-z2-7]{20}$/);
    expect(certificate!.modules.map((m) => m.title)).to.have.length(2);
  });

  it('does not let an exempt module block the plan, and issues per module when the campaign says so', async () => {
    const officer = await world.officer(world.units.A2);
    await world.plan(world.units.A, world.modules, { certificatePerModule: true });
    await enrolmentModel(db).updateOne({ officerId: officer._id, moduleId: world.modules[1] }, { $set: { state: 'exempt', exemptReason: 'om-dai-ngay' } });
    await completeModule(db, officer, world.modules[0]!);
    const certificates = await ofOfficer(officer._id);
    expect(certificates.map((c) => c.kind).sort()).to.deep.equal(['module', 'plan']);
    expect(certificates.find((c) => c.kind === 'module')!.moduleId!.equals(world.modules[0]!)).to.equal(true);
    expect(certificates.find((c) => c.kind === 'plan')!.modules).to.have.length(1);
    expect(certificates.map((c) => c.serial).sort()).to.deep.equal([1, 2]);
  });

  it('gives 50 officers completing at the same moment 50 distinct, gapless register numbers', async () => {
    const officers = await Promise.all(Array.from({ length: 50 }, () => world.officer(world.units.A1)));
    await world.plan(world.units.A1, [world.modules[0]!]);
    await Promise.all(officers.map((officer) => completeModule(db, officer, world.modules[0]!)));
    const issued = await certificateModel(db).find({ unitId: world.units.A1._id, year: YEAR }).lean<Certificate[]>();
    expect(issued).to.have.length(50);
    expect(new Set(issued.map((c) => c.officerId.toHexString())).size).to.equal(50);
    expect(issued.map((c) => c.serial).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(issued.map((c) => c.registerNumber)).size).to.equal(50);
    expect(new Set(issued.map((c) => c.code)).size).to.equal(50);
  });

  it('completing again issues nothing new; revocation frees the slot and re-issue takes the next number', async () => {
    const officer = await world.officer(world.units.A1);
    await world.plan(world.units.A1, [world.modules[0]!]);
    await completeModule(db, officer, world.modules[0]!);
    await completeModule(db, officer, world.modules[0]!);
    const [first] = await ofOfficer(officer._id);
    expect(await ofOfficer(officer._id)).to.have.length(1);
    const replacement = await reissueCertificate(db, first!, 'Sai họ tên', null, new Date());
    expect(replacement.serial).to.equal(2);
    expect(replacement.replaces!.equals(first!._id)).to.equal(true);
    const old = await certificateModel(db).findById(first!._id).lean<Certificate>();
    expect(old).to.include({ status: 'revoked', revokedReason: 'Sai họ tên' });
    const revoked = await revokeCertificate(db, replacement, 'Cấp nhầm', null, new Date());
    expect(revoked.status).to.equal('revoked');
    const error = await revokeCertificate(db, replacement, 'lần hai', null, new Date()).catch((e: unknown) => e);
    expect(error).to.have.property('id', 'certificate_already_revoked');
  });

  it('backfills officers who completed before certificates existed, once', async () => {
    const officer = await world.officer(world.units.B1);
    await world.plan(world.units.B, world.modules);
    // completions recorded straight into module_progress: no event reached the listener
    for (const moduleId of world.modules) {
      await progressModel(db).create({ officerId: officer._id, moduleId, year: YEAR, version: 1, unitId: world.units.B1._id, status: 'completed', itemCount: 1, percent: 100, doneItems: ['bai-1'], startedAt: new Date(), completedAt: new Date() });
    }
    expect(await ofOfficer(officer._id)).to.have.length(0);
    expect(await backfillCertificates(db, new Date(), { year: YEAR })).to.be.at.least(1);
    expect(await ofOfficer(officer._id)).to.have.length(1);
    expect(await backfillCertificates(db, new Date(), { year: YEAR })).to.equal(0);
  });
});
