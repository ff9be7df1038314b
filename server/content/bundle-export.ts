/**
 * Module bundles, the export side: one module as a portable zip, so provinces and units
 * can share their work. `bundle.json` holds the module (lessons with their bodies,
 * quizzes, H5P / SCORM items) and the question bank its quizzes draw from;
 * `media/<sha256>` holds each attachment and `packages/<sha256>` each H5P / SCORM
 * package as a zip. The import side, which treats a bundle as hostile, is bundle-import.ts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { trusted, type Connection, type Types } from 'mongoose';
import yazl from 'yazl';
import { AppError, conflict } from '../errors';
import type { Env } from '../env';
import { mediaPath } from '../media/store';
import { moduleModel, type LearningModule, type ModuleContent, type PackageItem, type QuizItem } from '../modules/model';
import { zipFolder } from '../packages/folder-zip';
import { packageModel, type ContentPackage } from '../packages/model';
import { packageTreePath } from '../packages/storage';
import { latestVersion } from '../modules/versions';
import { questionModel, type Question } from '../questions/model';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, canonicalContent, completionRule, type Bundle, type QuestionFile } from './format';

type BundleItem = Bundle['module']['items'][number];

/** The question bank a module's quizzes draw from, as the module's owner sees it: its own and province-wide questions. */
async function questionsFor(db: Connection, content: ModuleContent, ownerUnitId: Types.ObjectId | null): Promise<QuestionFile[]> {
  const topics = [...new Set(content.items.filter((i): i is QuizItem => i.kind === 'quiz').flatMap((q) => q.draw.map((d) => d.topic)))];
  if (topics.length === 0) return [];
  const owners = ownerUnitId ? [ownerUnitId, null] : [null];
  const questions = await questionModel(db)
    .find({ topic: trusted({ $in: topics }), active: true, ownerUnitId: trusted({ $in: owners }) })
    .sort({ ref: 1 })
    .lean<Question[]>();
  return questions.map((q) => ({
    ref: q.ref,
    topic: q.topic,
    kind: q.kind,
    scenario: q.scenario ?? null,
    prompt: q.prompt,
    options: q.options.map((o) => ({ key: o.key, text: o.text, correct: o.correct })),
    explanation: q.explanation ?? '',
    source: q.source ?? null,
    // only when set: a bundle without pools stays readable by earlier versions
    ...(q.pools?.length ? { pools: [...q.pools] } : {}),
  }));
}

/** The content a bundle carries: the latest published version, or the draft. */
async function exportedContent(db: Connection, module: LearningModule, draft: boolean): Promise<ModuleContent> {
  const content = draft ? module.draft : (await latestVersion(db, module._id))?.content;
  if (!content) throw conflict('bundle_no_published_version');
  return canonicalContent(content);
}

/** A package item's zip, rebuilt from its stored tree (the uploaded file itself is not kept; the inspection on import is the same). */
async function packageZip(db: Connection, packagesDir: string, item: PackageItem): Promise<Buffer> {
  const record = await packageModel(db).findById(item.packageId, { sha256: 1 }).lean<Pick<ContentPackage, 'sha256'>>();
  const tree = record && packageTreePath(packagesDir, record.sha256);
  if (!tree || !fs.existsSync(tree)) throw new AppError(500, 'bundle_export_package_missing', { title: item.title });
  return zipFolder(tree);
}

/**
 * Builds the bundle of `module`; every attachment must be in the media store and every
 * package's files in the package store (checked before the zip starts, so a download
 * never stops half way for a missing file). Package zips are built in memory first: their
 * digests name them in bundle.json. Returns the zip, ended: pipe `zip.outputStream` to
 * where it goes.
 */
export async function exportBundle(db: Connection, config: Pick<Env, 'DATA_DIR' | 'PACKAGES_DIR'>, module: LearningModule, options: { draft: boolean; now?: Date }): Promise<{ filename: string; zip: yazl.ZipFile }> {
  const content = await exportedContent(db, module, options.draft);
  const packages = new Map<string, Buffer>();
  const items: BundleItem[] = [];
  for (const item of content.items) {
    if (item.kind !== 'package') {
      items.push(item as BundleItem);
      continue;
    }
    const bytes = await packageZip(db, config.PACKAGES_DIR, item);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    packages.set(sha256, bytes);
    items.push({ kind: 'package', key: item.key, title: item.title, package: sha256, sco: item.sco, ...completionRule(item) });
  }
  const bundle: Bundle = {
    format: BUNDLE_FORMAT,
    formatVersion: packages.size ? BUNDLE_FORMAT_VERSION : 1,
    exportedAt: (options.now ?? new Date()).toISOString(),
    module: { code: module.code, ...content, items },
    questions: await questionsFor(db, content, module.ownerUnitId),
  };
  const digests = new Set(content.items.flatMap((i) => (i.kind === 'lesson' ? i.attachments.map((a) => a.sha256) : [])));
  for (const sha256 of digests) if (!fs.existsSync(mediaPath(config.DATA_DIR, sha256))) throw new AppError(500, 'bundle_export_media_missing', { sha256 });
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify(bundle, null, 2), 'utf8'), 'bundle.json');
  // media are mostly video and PDF, packages are zips: already compressed, so stored as they are
  for (const sha256 of digests) zip.addFile(mediaPath(config.DATA_DIR, sha256), `media/${sha256}`, { compress: false });
  for (const [sha256, bytes] of packages) zip.addBuffer(bytes, `packages/${sha256}`, { compress: false });
  zip.end();
  return { filename: `${module.code.toLowerCase()}${options.draft ? '-ban-nhap' : ''}.zip`, zip };
}

/** The whole bundle in memory (tests, small modules). */
export async function bundleBuffer(zip: yazl.ZipFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The module `id` or null (a malformed id names nothing). */
export async function findModule(db: Connection, id: string): Promise<LearningModule | null> {
  if (!/^[0-9a-f]{24}$/i.test(id)) return null;
  return moduleModel(db).findById(id).lean<LearningModule>();
}
