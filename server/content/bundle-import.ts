/**
 * Module bundles, the import side (the export side and the format: bundle-export.ts).
 *
 * An uploaded bundle is hostile until proven otherwise (design §4): it must be a real
 * zip, hold only `bundle.json`, `media/<64 hex>` and `packages/<64 hex>` entries, stay
 * under caps on entry count, per-entry and total size — counted on the bytes actually
 * inflated, never on the sizes the headers claim — each file must hash to its name,
 * bundle.json must validate, lessons are sanitised again and text normalised to NFC, and
 * each package passes the same inspection as an uploaded one. Everything is checked
 * before anything is written, and the module arrives as an unpublished draft.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, Writable } from 'node:stream';
import { trusted, type Connection, type Types } from 'mongoose';
import yauzl from 'yauzl';
import { AppError, conflict } from '../errors';
import { t, type Locale } from '../i18n';
import type { Env } from '../env';
import { adoptMediaFile } from '../media/store';
import { readyModuleModel, type ModuleContent, type ModuleItem, type Topic } from '../modules/model';
import { storePackage, zipLimits } from '../packages/service';
import { inspectPackage } from '../packages/validate';
import { openZip } from '../packages/zip';
import { sanitizeLessonHtml } from '../modules/sanitize';
import { readyQuestionModel, questionModel, type Question } from '../questions/model';
import { inTransaction } from '../db/transaction';
import { check } from '../validation';
import { bundleSchema, completionRule, jsonPath, moduleCode, normalizeDeep, type Bundle, type QuestionFile } from './format';

const MB = 1024 * 1024;
const SUMMARY_LOCALE: Locale = 'vi';

export interface BundleLimits {
  /** entries in the zip (directories included) */
  maxEntries: number;
  /** bytes of bundle.json once inflated */
  maxJsonBytes: number;
  /** bytes of one media file or package once inflated */
  maxMediaBytes: number;
  /** bytes of all entries once inflated */
  maxTotalBytes: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { maxEntries: 500, maxJsonBytes: 5 * MB, maxMediaBytes: 200 * MB, maxTotalBytes: 500 * MB };

const HASHED_ENTRY = /^(media|packages)\/([0-9a-f]{64})$/;

// ---------------------------------------------------------------- reading an upload

interface HashedFile {
  file: string;
  size: number;
}

interface Unpacked {
  json: Buffer | null;
  /** sha256 → temporary file holding the verified bytes */
  media: Map<string, HashedFile>;
  /** sha256 → temporary file holding a package's zip, its digest verified */
  packages: Map<string, HashedFile>;
}

const entryError = (name: string) => new AppError(422, 'bundle_entry_name_invalid', { name: name.slice(0, 120) });

/** yauzl's own refusals: names with `..`, absolute or backslashes are bad entries; anything else a broken zip. */
function zipError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  // the platform's own trouble (disk full, permissions) is not the bundle's fault
  if (typeof (error as { syscall?: unknown }).syscall === 'string') return error;
  const message = error instanceof Error ? error.message : String(error);
  const named = /^(invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(message);
  return named ? entryError(named[2] ?? '') : new AppError(422, 'bundle_not_zip');
}

/** Counts the bytes flowing through; fails as soon as one entry or the whole bundle is over its cap. */
function byteCounter(name: string, entryCap: number, total: { bytes: number; cap: number }): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      total.bytes += chunk.length;
      if (bytes > entryCap) return done(new AppError(422, 'bundle_entry_too_large', { name, max: Math.ceil(entryCap / MB) }));
      if (total.bytes > total.cap) return done(new AppError(422, 'bundle_too_large', { max: Math.ceil(total.cap / MB) }));
      done(null, chunk);
    },
  });
}

async function readEntry(zipfile: yauzl.ZipFile, entry: yauzl.Entry, cap: number, total: { bytes: number; cap: number }, through: Transform | null, sink: Writable): Promise<void> {
  // a header claiming more than the cap is refused before inflating anything
  if (entry.uncompressedSize > cap) throw new AppError(422, 'bundle_entry_too_large', { name: entry.fileName, max: Math.ceil(cap / MB) });
  const stream = await zipfile.openReadStreamPromise(entry);
  const counter = byteCounter(entry.fileName, cap, total);
  await (through ? pipeline(stream, counter, through, sink) : pipeline(stream, counter, sink));
}

/** Unpacks and verifies the zip into `tmpDir`; throws an AppError on the first problem. */
async function unpack(data: Buffer, limits: BundleLimits, tmpDir: string): Promise<Unpacked> {
  let zipfile: yauzl.ZipFile;
  try {
    zipfile = await yauzl.fromBufferPromise(data, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    throw zipError(error);
  }
  try {
    if (zipfile.entryCount > limits.maxEntries) throw new AppError(422, 'bundle_too_many_entries', { max: limits.maxEntries });
    const result: Unpacked = { json: null, media: new Map(), packages: new Map() };
    const total = { bytes: 0, cap: limits.maxTotalBytes };
    const seen = new Set<string>();
    for await (const entry of zipfile.eachEntry()) {
      const name = entry.fileName;
      if (seen.has(name)) throw entryError(name);
      seen.add(name);
      if (name === 'media/' || name === 'packages/') continue;
      // a symbolic link (unix mode in the high bits) is never content
      if (((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000) throw entryError(name);
      if (entry.isEncrypted() || !entry.canDecodeFileData()) throw new AppError(422, 'bundle_not_zip');
      if (name === 'bundle.json') {
        const chunks: Buffer[] = [];
        const collect = new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk), done()) });
        await readEntry(zipfile, entry, limits.maxJsonBytes, total, null, collect);
        result.json = Buffer.concat(chunks);
        continue;
      }
      const hashed = HASHED_ENTRY.exec(name);
      if (!hashed) throw entryError(name);
      const [, folder, sha256] = hashed as unknown as [string, 'media' | 'packages', string];
      const file = path.join(tmpDir, `${folder}-${sha256}`);
      const hash = crypto.createHash('sha256');
      let size = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _e, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      await readEntry(zipfile, entry, limits.maxMediaBytes, total, hashing, fs.createWriteStream(file, { flags: 'wx' }));
      if (hash.digest('hex') !== sha256) throw new AppError(422, folder === 'media' ? 'bundle_media_digest_mismatch' : 'bundle_package_digest_mismatch', { name });
      result[folder].set(sha256, { file, size });
    }
    return result;
  } catch (error) {
    throw zipError(error);
  } finally {
    zipfile.close();
  }
}

// ---------------------------------------------------------------- import

export interface ImportOptions {
  /** the importer's home unit: owner of the module, of new questions and packages (null = province-wide: admins) */
  ownerUnitId: Types.ObjectId | null;
  by: Types.ObjectId | null;
  /** a new code for the module, when the bundle's is taken */
  code?: string | undefined;
  /** where media and packages go, and the package checks' limits */
  config: Env;
  limits?: Partial<BundleLimits>;
}

export interface ImportResult {
  id: Types.ObjectId;
  code: string;
  questionsCreated: number;
  questionsUpdated: number;
  /** questions whose ref belonged to another owner: imported under a new ref */
  questionsRenamed: number;
}

/** bundle.json → the checked bundle, or 422 listing where it is wrong. */
function parseBundle(json: Buffer | null): Bundle {
  if (!json) throw new AppError(422, 'bundle_json_missing');
  let value: unknown;
  try {
    value = JSON.parse(json.toString('utf8'));
  } catch {
    throw new AppError(422, 'bundle_json_invalid', { problems: 'JSON' });
  }
  const result = check(bundleSchema, normalizeDeep(value));
  if (!result.ok) {
    // the summary is in Vietnamese, the working language of bundles; `details` carry the ids for other languages
    const listed = result.problems.slice(0, 5).map((p) => `${jsonPath(p.field)}: ${t(SUMMARY_LOCALE, p.id)}`);
    throw new AppError(422, 'bundle_json_invalid', { problems: listed.join('; ') }, result.problems);
  }
  return result.value;
}

/** Every file an item names is in the zip: attachments with their declared size, packages. */
function checkFiles(bundle: Bundle, unpacked: Unpacked): void {
  for (const item of bundle.module.items) {
    if (item.kind === 'package' && !unpacked.packages.has(item.package)) throw new AppError(422, 'bundle_package_missing', { title: item.title });
    if (item.kind !== 'lesson') continue;
    for (const a of item.attachments) {
      const file = unpacked.media.get(a.sha256);
      if (!file) throw new AppError(422, 'bundle_media_missing', { sha256: a.sha256 });
      if (file.size !== a.size) throw new AppError(422, 'bundle_media_size_mismatch', { sha256: a.sha256 });
    }
  }
}

/**
 * Each package item's zip passes the inspection an upload gets (manifest, launch target,
 * entry names, sizes) and holds the SCO the item names. Inspected here, before anything
 * is written; storePackage inspects again as it stores.
 */
async function checkPackages(bundle: Bundle, unpacked: Unpacked, config: Env): Promise<void> {
  for (const item of bundle.module.items) {
    if (item.kind !== 'package') continue;
    const zip = await openZip(unpacked.packages.get(item.package)!.file).catch((error: unknown) => {
      throw packageError(item.title, error);
    });
    try {
      const { info } = await inspectPackage(zip, zipLimits(config), item.title);
      if (item.sco !== null && !info.scos.some((s) => s.identifier === item.sco)) throw new AppError(422, 'bundle_package_sco_unknown', { title: item.title, sco: item.sco });
    } catch (error) {
      throw error instanceof AppError && error.id === 'bundle_package_sco_unknown' ? error : packageError(item.title, error);
    } finally {
      zip.close();
    }
  }
}

/** A package's own refusal (in Vietnamese, the working language of bundles), named by its item. */
function packageError(title: string, error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  return new AppError(422, 'bundle_package_invalid', { title, reason: t(SUMMARY_LOCALE, error.id, error.params) });
}

/** The module's content as it will be stored: lessons sanitised again, package items pointing at the stored packages. */
function importedContent(bundle: Bundle, packageIds: ReadonlyMap<string, Types.ObjectId>): ModuleContent {
  const items: ModuleItem[] = bundle.module.items.map((item) => {
    if (item.kind === 'quiz') return item;
    if (item.kind === 'package') return { kind: 'package', key: item.key, title: item.title, packageId: packageIds.get(item.package)!, sco: item.sco, ...completionRule(item) };
    return { ...item, body: sanitizeLessonHtml(item.body) };
  });
  const { title, topic, description, estimatedMinutes, order } = bundle.module;
  return { title, topic: topic as Topic, description, estimatedMinutes, ...(order ? { order } : {}), items };
}

/**
 * The bundle with its module's own pool renamed (imported under another code): the
 * quizzes that drew from the module's pool, and the questions tagged with it, follow.
 */
function renamePool(bundle: Bundle, from: string, to: string): Bundle {
  if (from === to) return bundle;
  const rename = (code: string) => (code === from ? to : code);
  return {
    ...bundle,
    module: { ...bundle.module, items: bundle.module.items.map((item) => (item.kind === 'quiz' ? { ...item, draw: item.draw.map((d) => (d.pool ? { ...d, pool: rename(d.pool) } : d)) } : item)) },
    questions: bundle.questions.map((q) => (q.pools ? { ...q, pools: q.pools.map(rename) } : q)),
  };
}

const sameOwner = (a: Types.ObjectId | null, b: Types.ObjectId | null) => (a === null || b === null ? a === b : a.equals(b));

type QuestionPlan = { insert: QuestionFile[]; update: Array<{ id: Types.ObjectId; question: QuestionFile }>; renamed: number };

/**
 * What to do with each bundled question: a new ref is created; a ref of the importer's
 * own bank is updated; a ref owned by anyone else (another unit, or province-wide) is
 * never touched — the question comes in under a new ref ("thai-do-01-2").
 */
async function planQuestions(db: Connection, questions: readonly QuestionFile[], owner: Types.ObjectId | null): Promise<QuestionPlan> {
  const Question = questionModel(db);
  const refs = questions.map((q) => q.ref);
  const existing = new Map((await Question.find({ ref: trusted({ $in: refs }) }, { ref: 1, ownerUnitId: 1 }).lean<Pick<Question, '_id' | 'ref' | 'ownerUnitId'>[]>()).map((q) => [q.ref, q]));
  const taken = new Set(refs);
  const plan: QuestionPlan = { insert: [], update: [], renamed: 0 };
  for (const q of questions) {
    const stored = existing.get(q.ref);
    if (!stored) {
      plan.insert.push(q);
    } else if (sameOwner(stored.ownerUnitId, owner)) {
      plan.update.push({ id: stored._id, question: q });
    } else {
      let n = 2;
      while (taken.has(`${q.ref}-${n}`) || (await Question.exists({ ref: `${q.ref}-${n}` }))) n++;
      const ref = `${q.ref}-${n}`;
      taken.add(ref);
      plan.insert.push({ ...q, ref });
      plan.renamed++;
    }
  }
  return plan;
}

/**
 * Imports a bundle (the uploaded zip's bytes) as a new draft module owned by
 * `options.ownerUnitId`. All or nothing: the zip, the media and bundle.json are checked
 * in full first; the module and the questions are then written in one transaction.
 */
export async function importBundle(db: Connection, data: Buffer, options: ImportOptions): Promise<ImportResult> {
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...options.limits };
  const { config } = options;
  const tmpRoot = path.join(config.DATA_DIR, 'tmp');
  await fs.promises.mkdir(tmpRoot, { recursive: true });
  const tmpDir = await fs.promises.mkdtemp(path.join(tmpRoot, 'bundle-'));
  try {
    const unpacked = await unpack(data, limits, tmpDir);
    const parsed = parseBundle(unpacked.json);
    checkFiles(parsed, unpacked);
    await checkPackages(parsed, unpacked, config);
    const wanted = options.code?.trim() ? options.code.trim().toUpperCase() : parsed.module.code;
    if (!moduleCode.safeParse(wanted).success) throw new AppError(422, 'validation_failed', undefined, [{ field: 'code', id: 'code_invalid' }]);
    const bundle = renamePool(parsed, parsed.module.code, wanted);
    const Module = await readyModuleModel(db);
    if (await Module.exists({ code: wanted })) throw conflict('bundle_code_taken', { code: wanted });
    const Question = await readyQuestionModel(db);
    const plan = await planQuestions(db, bundle.questions, options.ownerUnitId);
    // files first: content-addressed, so a file already there is simply kept
    const used = new Set(bundle.module.items.flatMap((i) => (i.kind === 'lesson' ? i.attachments.map((a) => a.sha256) : [])));
    for (const sha256 of used) await adoptMediaFile(config.DATA_DIR, unpacked.media.get(sha256)!.file, sha256);
    const packageIds = new Map<string, Types.ObjectId>();
    for (const item of bundle.module.items) {
      if (item.kind !== 'package' || packageIds.has(item.package)) continue;
      const { file, size } = unpacked.packages.get(item.package)!;
      const { record } = await storePackage(db, config, { file, size, originalName: `${item.title}.zip`, ownerUnitId: options.ownerUnitId, uploadedBy: options.by });
      packageIds.set(item.package, record._id);
    }
    const content = importedContent(bundle, packageIds);
    const id = await inTransaction(db, async (session) => {
      const [module] = await Module.create([{ code: wanted, ownerUnitId: options.ownerUnitId, draft: content, publishedVersion: 0, draftDirty: true, createdBy: options.by }], { session });
      const operations = [
        ...plan.insert.map((q) => ({ insertOne: { document: { ...q, ownerUnitId: options.ownerUnitId, active: true } as never } })),
        ...plan.update.map(({ id: questionId, question: { ref: _ref, ...fields } }) => ({ updateOne: { filter: { _id: questionId }, update: { $set: fields } } })),
      ];
      if (operations.length > 0) await Question.bulkWrite(operations as never, { session, ordered: true });
      return module!._id;
    }).catch((error: unknown) => {
      // two imports of the same code at once: the unique index decides
      if ((error as { code?: number }).code === 11000) throw conflict('bundle_code_taken', { code: wanted });
      throw error;
    });
    return { id, code: wanted, questionsCreated: plan.insert.length, questionsUpdated: plan.update.length, questionsRenamed: plan.renamed };
  } finally {
    await fs.promises.rm(tmpDir, { recursive: true, force: true });
  }
}
