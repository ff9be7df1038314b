/**
 * Loads the starter content (content/modules/<topic>/…) into the database, idempotently:
 * everything is read and checked first, and nothing is written if any file is bad. Then
 * questions are upserted by `ref` (never deleted: a question dropped from a file may sit
 * in attempts already made) and modules by `code` — a new module is created and
 * published, a module whose file differs from its latest published version gets a new
 * version, an identical one is left alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { trusted, Types, type Connection } from 'mongoose';
import type { Env } from '../env';
import { zipFolder } from '../packages/folder-zip';
import { storePackage } from '../packages/service';
import { TOPICS, moduleModel, readyModuleModel, type ModuleContent, type ModuleItem, type Topic } from '../modules/model';
import { sanitizeLessonHtml } from '../modules/sanitize';
import { latestVersion, publishModule } from '../modules/versions';
import { readyQuestionModel, type Question } from '../questions/model';
import { unitModel } from '../units/model';
import { check } from '../validation';
import { moduleFileSchema, problemsOf, questionsFileSchema, sameContent, type ContentProblem, type QuestionFile } from './format';

/** The repository's content/ folder (this file runs from dist/server/content). */
export const DEFAULT_CONTENT_DIR = path.resolve(__dirname, '../../../content');

/** A module read from its folder: lessons already sanitised. */
export interface ContentModule {
  folder: string;
  code: string;
  /** package items carry PENDING_PACKAGE until loadContent has stored their folder */
  content: ModuleContent;
  /** the package folders of package items (absolute), stored as packages on load */
  packages: { key: string; folder: string }[];
}

/** The package id of a package item read but not stored yet. */
const PENDING_PACKAGE = new Types.ObjectId('000000000000000000000000');

export interface ContentSet {
  modules: ContentModule[];
  questions: QuestionFile[];
  problems: ContentProblem[];
}

export interface LoadSummary {
  modulesCreated: number;
  modulesUpdated: number;
  modulesUnchanged: number;
  questionsCreated: number;
  questionsUpdated: number;
  /** codes of the modules in the content, in folder order */
  codes: string[];
}

/** Thrown when the content has problems; nothing was written. */
export class ContentProblems extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super(`content has ${problems.length} problem(s)`);
    this.name = 'ContentProblems';
  }
}

function readJson(file: string, label: string, problems: ContentProblem[]): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    problems.push({ file: label, path: '', id: 'content_json_invalid', params: { reason: (error as Error).message } });
    return undefined;
  }
}

/** The lesson file `relative` inside `folder`, or a problem (missing, or escaping the folder). */
function readLesson(folder: string, relative: string, label: string, index: number, problems: ContentProblem[]): string | null {
  const at = `items[${index}].file`;
  const resolved = path.resolve(folder, relative);
  const inside = (p: string, root: string) => p.startsWith(root + path.sep);
  if (path.isAbsolute(relative) || !inside(resolved, folder)) {
    problems.push({ file: label, path: at, id: 'content_lesson_outside' });
    return null;
  }
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile()) {
    problems.push({ file: label, path: at, id: 'content_lesson_missing', params: { file: relative } });
    return null;
  }
  // a symbolic link must not lead out of the folder either
  if (!inside(fs.realpathSync(resolved), fs.realpathSync(folder))) {
    problems.push({ file: label, path: at, id: 'content_lesson_outside' });
    return null;
  }
  return fs.readFileSync(resolved, 'utf8');
}

/**
 * The package folder `relative` (to the module folder) of a package item, or a problem:
 * missing, not a folder, or outside the content folder (a symbolic link included).
 */
function packageFolder(contentDir: string, moduleDir: string, relative: string, label: string, index: number, problems: ContentProblem[]): string | null {
  const at = `items[${index}].folder`;
  const root = path.resolve(contentDir);
  const resolved = path.resolve(moduleDir, relative);
  const inside = (p: string, base: string) => p.startsWith(base + path.sep);
  if (path.isAbsolute(relative) || !inside(resolved, root)) {
    problems.push({ file: label, path: at, id: 'content_package_outside' });
    return null;
  }
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isDirectory()) {
    problems.push({ file: label, path: at, id: 'content_package_missing', params: { folder: relative } });
    return null;
  }
  if (!inside(fs.realpathSync(resolved), fs.realpathSync(root))) {
    problems.push({ file: label, path: at, id: 'content_package_outside' });
    return null;
  }
  return resolved;
}

/** Reads and checks every module folder under `dir`/modules; writes nothing. */
export function readContent(dir: string): ContentSet {
  const set: ContentSet = { modules: [], questions: [], problems: [] };
  const root = path.join(path.resolve(dir), 'modules');
  if (!fs.existsSync(root)) return set;
  const folders = fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const refs = new Map<string, string>();
  const codes = new Map<string, string>();
  for (const folder of folders) {
    const moduleDir = path.join(root, folder);
    const moduleFile = path.join(moduleDir, 'module.json');
    const questionsFile = path.join(moduleDir, 'questions.json');
    if (!(TOPICS as readonly string[]).includes(folder)) {
      if (fs.existsSync(moduleFile) || fs.existsSync(questionsFile)) set.problems.push({ file: `${folder}/`, path: '', id: 'content_topic_mismatch', params: { topic: TOPICS.join(', ') } });
      continue;
    }
    if (fs.existsSync(questionsFile)) readQuestions(questionsFile, folder as Topic, refs, set);
    if (fs.existsSync(moduleFile)) readModule(dir, moduleDir, folder as Topic, codes, set);
  }
  return set;
}

function readQuestions(file: string, topic: Topic, refs: Map<string, string>, set: ContentSet): void {
  const label = `${topic}/questions.json`;
  const json = readJson(file, label, set.problems);
  if (json === undefined) return;
  const result = check(questionsFileSchema, json);
  if (!result.ok) {
    set.problems.push(...problemsOf(label, result.problems));
    return;
  }
  result.value.forEach((q, index) => {
    if (q.topic !== topic) set.problems.push({ file: label, path: `[${index}].topic`, id: 'content_topic_mismatch', params: { topic } });
    if (refs.has(q.ref)) set.problems.push({ file: label, path: `[${index}].ref`, id: 'content_ref_duplicate' });
    refs.set(q.ref, label);
  });
  set.questions.push(...result.value);
}

function readModule(contentDir: string, moduleDir: string, topic: Topic, codes: Map<string, string>, set: ContentSet): void {
  const label = `${topic}/module.json`;
  const json = readJson(path.join(moduleDir, 'module.json'), label, set.problems);
  if (json === undefined) return;
  const result = check(moduleFileSchema, json);
  if (!result.ok) {
    set.problems.push(...problemsOf(label, result.problems));
    return;
  }
  const file = result.value;
  if (file.topic !== topic) set.problems.push({ file: label, path: 'topic', id: 'content_topic_mismatch', params: { topic } });
  if (codes.has(file.code)) set.problems.push({ file: label, path: 'code', id: 'content_code_duplicate', params: { code: file.code } });
  codes.set(file.code, label);
  const items: ModuleItem[] = [];
  const packages: ContentModule['packages'] = [];
  file.items.forEach((item, index) => {
    if (item.kind === 'quiz') return void items.push(item);
    if (item.kind === 'package') {
      const folder = packageFolder(contentDir, moduleDir, item.folder, label, index, set.problems);
      if (folder !== null) packages.push({ key: item.key, folder });
      return void items.push({ kind: 'package', key: item.key, title: item.title, packageId: PENDING_PACKAGE, sco: null });
    }
    const html = readLesson(moduleDir, item.file, label, index, set.problems);
    if (html !== null) items.push({ kind: 'lesson', key: item.key, title: item.title, body: sanitizeLessonHtml(html), attachments: [] });
  });
  set.modules.push({ folder: topic, code: file.code, packages, content: { title: file.title, topic: file.topic, description: file.description, estimatedMinutes: file.estimatedMinutes, ...(file.order ? { order: file.order } : {}), items } });
}

export interface LoadOptions {
  /** default: the repository's content/ */
  dir?: string;
  /** owner of new modules and questions; undefined = the province root if there is exactly one root unit, else null */
  ownerUnitId?: Types.ObjectId | null;
  /** the account recorded as publisher; null for the platform itself */
  by?: Types.ObjectId | null;
  log?: (message: string) => void;
  /** the settings where packages are stored (PACKAGES_DIR, limits): needed when a module has package items */
  config?: Env;
}

/**
 * Zips each package folder of `module` (the same bytes every time, so the same sha256),
 * stores it like an upload (validated; one record per owner and bytes) and puts the
 * package's id into its item.
 */
async function storeModulePackages(db: Connection, config: Env, module: ContentModule, ownerUnitId: Types.ObjectId | null): Promise<void> {
  for (const { key, folder } of module.packages) {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-content-package-'));
    try {
      const file = path.join(temp, `${path.basename(folder)}.zip`);
      const bytes = await zipFolder(folder);
      fs.writeFileSync(file, bytes);
      const { record } = await storePackage(db, config, { file, size: bytes.length, originalName: path.basename(file), ownerUnitId, uploadedBy: null });
      const item = module.content.items.find((i) => i.key === key);
      if (item?.kind === 'package') item.packageId = record._id;
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  }
}

/** The root unit when there is exactly one (the province), else null. */
export async function provinceRootId(db: Connection): Promise<Types.ObjectId | null> {
  const roots = await unitModel(db).find({ parentId: null, active: true }, { _id: 1 }).limit(2).lean<{ _id: Types.ObjectId }[]>();
  return roots.length === 1 ? roots[0]!._id : null;
}

const QUESTION_FIELDS = ['topic', 'kind', 'scenario', 'prompt', 'options', 'explanation', 'source', 'pools'] as const;

/** The fields of `q` that differ from the stored `existing`. */
function changedFields(q: QuestionFile, existing: Question): Partial<QuestionFile> {
  const changes: Record<string, unknown> = {};
  for (const field of QUESTION_FIELDS) {
    const stored = field === 'options' ? existing.options.map((o) => ({ key: o.key, text: o.text, correct: o.correct })) : field === 'pools' ? (existing.pools ?? []) : existing[field];
    const given = field === 'pools' ? (q.pools ?? []) : q[field];
    if (JSON.stringify(stored ?? null) !== JSON.stringify(given ?? null)) changes[field] = given;
  }
  return changes as Partial<QuestionFile>;
}

/** Upserts questions by ref; returns [created, updated]. */
export async function upsertQuestions(db: Connection, questions: readonly QuestionFile[], ownerUnitId: Types.ObjectId | null): Promise<[number, number]> {
  if (questions.length === 0) return [0, 0];
  const Question = await readyQuestionModel(db);
  const existing = await Question.find({ ref: trusted({ $in: questions.map((q) => q.ref) }) }).lean<Question[]>();
  const byRef = new Map(existing.map((q) => [q.ref, q]));
  const operations: Parameters<typeof Question.bulkWrite>[0] = [];
  let created = 0;
  let updated = 0;
  for (const q of questions) {
    const stored = byRef.get(q.ref);
    if (!stored) {
      created++;
      operations.push({ insertOne: { document: { ...q, pools: q.pools ?? [], ownerUnitId, active: true } as never } });
      continue;
    }
    const changes = changedFields(q, stored);
    if (Object.keys(changes).length === 0) continue;
    updated++;
    operations.push({ updateOne: { filter: { _id: stored._id }, update: { $set: changes } } });
  }
  if (operations.length > 0) await Question.bulkWrite(operations, { ordered: true });
  return [created, updated];
}

/**
 * Loads the content under `options.dir`: validates everything, then upserts. Throws
 * ContentProblems (before any write) when a file is bad.
 */
export async function loadContent(db: Connection, options: LoadOptions = {}): Promise<LoadSummary> {
  const set = readContent(options.dir ?? DEFAULT_CONTENT_DIR);
  if (!options.config) {
    for (const module of set.modules) if (module.packages.length > 0) set.problems.push({ file: `${module.folder}/module.json`, path: 'items', id: 'content_package_no_store' });
  }
  if (set.problems.length > 0) throw new ContentProblems(set.problems);
  const ownerUnitId = options.ownerUnitId !== undefined ? options.ownerUnitId : await provinceRootId(db);
  const by = options.by ?? null;
  // packages first: storing validates them, so a bad package stops the load before any module or question changes
  if (options.config) for (const module of set.modules) await storeModulePackages(db, options.config, module, ownerUnitId);
  const [questionsCreated, questionsUpdated] = await upsertQuestions(db, set.questions, ownerUnitId);
  const summary: LoadSummary = { modulesCreated: 0, modulesUpdated: 0, modulesUnchanged: 0, questionsCreated, questionsUpdated, codes: set.modules.map((m) => m.code) };
  const Module = await readyModuleModel(db);
  for (const module of set.modules) {
    const stored = await Module.findOne({ code: module.code }, { _id: 1 }).lean();
    if (!stored) {
      const created = await Module.create({ code: module.code, ownerUnitId, draft: module.content, createdBy: by });
      await publishModule(db, created._id, by);
      summary.modulesCreated++;
      options.log?.(`+ ${module.code}`);
      continue;
    }
    const latest = await latestVersion(db, stored._id);
    if (latest && sameContent(latest.content, module.content)) {
      summary.modulesUnchanged++;
      continue;
    }
    await moduleModel(db).updateOne({ _id: stored._id }, { $set: { draft: module.content, draftDirty: true } });
    await publishModule(db, stored._id, by);
    summary.modulesUpdated++;
    options.log?.(`~ ${module.code}`);
  }
  return summary;
}
