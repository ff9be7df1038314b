/**
 * Checks on the REAL starter content (content/modules): all five topics are there, every
 * module.json and questions.json validates, single-choice questions have exactly one
 * correct option and multiple-choice at least one, all text is NFC, each bank holds at
 * least 20 questions citing the plan, every quiz can draw what it asks for, and the
 * whole set loads into a fresh database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openTestDatabase } from '../database';
import { problemText } from '../../server/content/format';
import { DEFAULT_CONTENT_DIR, loadContent, readContent } from '../../server/content/loader';
import { questionModel } from '../../server/questions/model';
import { parseEnv } from '../../server/env';
import { packageModel } from '../../server/packages/model';
import { moduleModel, TOPICS, type LearningModule, type PackageItem } from '../../server/modules/model';

const MODULES = path.join(DEFAULT_CONTENT_DIR, 'modules');
const MIN_QUESTIONS = 20;

/** Every string inside a JSON value, with where it is. */
function strings(value: unknown, at = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

const topicsPresent = () => (fs.existsSync(MODULES) ? fs.readdirSync(MODULES).filter((t) => fs.existsSync(path.join(MODULES, t, 'module.json')) || fs.existsSync(path.join(MODULES, t, 'questions.json'))) : []);
const readJson = (topic: string, file: string): any => JSON.parse(fs.readFileSync(path.join(MODULES, topic, file), 'utf8'));

describe('content: checks on the starter content in content/', function () {
  this.timeout(60_000);

  it('has a module and a question bank for each of the five topics', () => {
    for (const topic of TOPICS) {
      expect(fs.existsSync(path.join(MODULES, topic, 'module.json')), `${topic}/module.json`).to.equal(true);
      expect(fs.existsSync(path.join(MODULES, topic, 'questions.json')), `${topic}/questions.json`).to.equal(true);
    }
  });

  it('every module.json and questions.json validates (schemas, lesson files inside their folder)', () => {
    const { problems } = readContent(DEFAULT_CONTENT_DIR);
    expect(problems.map((p) => problemText(p))).to.deep.equal([]);
  });

  it('single-choice and scenario questions have exactly one correct option, multiple-choice at least one, true/false two options', () => {
    const wrong: string[] = [];
    for (const topic of topicsPresent().filter((t) => fs.existsSync(path.join(MODULES, t, 'questions.json')))) {
      for (const q of readJson(topic, 'questions.json') as Array<{ ref: string; kind: string; options: Array<{ correct: boolean }> }>) {
        const correct = q.options.filter((o) => o.correct === true).length;
        if ((q.kind === 'single' || q.kind === 'scenario') && correct !== 1) wrong.push(`${q.ref}: ${correct} correct`);
        if (q.kind === 'multiple' && correct < 1) wrong.push(`${q.ref}: no correct option`);
        if (q.kind === 'true-false' && (q.options.length !== 2 || correct !== 1)) wrong.push(`${q.ref}: not a true/false pair`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('no prompt repeats the instruction the quiz page already gives for multiple-choice questions', () => {
    const repeated: string[] = [];
    for (const topic of topicsPresent().filter((t) => fs.existsSync(path.join(MODULES, t, 'questions.json')))) {
      for (const q of readJson(topic, 'questions.json') as Array<{ ref: string; prompt: string }>) if (/chọn tất cả/i.test(q.prompt)) repeated.push(q.ref);
    }
    expect(repeated).to.deep.equal([]);
  });

  it('all text is Unicode NFC: JSON strings and lesson files', () => {
    const notNfc: string[] = [];
    for (const topic of topicsPresent()) {
      for (const file of ['module.json', 'questions.json'].filter((f) => fs.existsSync(path.join(MODULES, topic, f)))) {
        for (const [at, text] of strings(readJson(topic, file))) if (text !== text.normalize('NFC')) notNfc.push(`${topic}/${file} ${at}`);
      }
    }
    for (const topic of fs.existsSync(MODULES) ? fs.readdirSync(MODULES) : []) {
      const lessons = path.join(MODULES, topic, 'lessons');
      if (!fs.existsSync(lessons)) continue;
      for (const file of fs.readdirSync(lessons)) {
        const html = fs.readFileSync(path.join(lessons, file), 'utf8');
        if (html !== html.normalize('NFC')) notNfc.push(`${topic}/lessons/${file}`);
      }
    }
    expect(notNfc).to.deep.equal([]);
  });

  it(`each question bank has at least ${MIN_QUESTIONS} questions, each explained and citing the plan ("Mục …")`, () => {
    const problems: string[] = [];
    for (const topic of topicsPresent().filter((t) => fs.existsSync(path.join(MODULES, t, 'questions.json')))) {
      const questions = readJson(topic, 'questions.json') as Array<{ ref: string; explanation: string; source: string | null }>;
      if (questions.length < MIN_QUESTIONS) problems.push(`${topic}: ${questions.length} questions`);
      for (const q of questions) {
        if (!q.explanation?.trim()) problems.push(`${q.ref}: no explanation`);
        if (!/Mục [IVX]/.test(`${q.explanation} ${q.source ?? ''}`)) problems.push(`${q.ref}: cites no section of the plan`);
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('every quiz draws no more questions per topic than the starter banks hold, and every module has a lesson and a quiz', () => {
    const bank = new Map<string, number>();
    for (const topic of topicsPresent().filter((t) => fs.existsSync(path.join(MODULES, t, 'questions.json')))) {
      for (const q of readJson(topic, 'questions.json') as Array<{ topic: string }>) bank.set(q.topic, (bank.get(q.topic) ?? 0) + 1);
    }
    const problems: string[] = [];
    for (const topic of topicsPresent().filter((t) => fs.existsSync(path.join(MODULES, t, 'module.json')))) {
      const module = readJson(topic, 'module.json') as { items: Array<{ kind: string; key: string; draw?: Array<{ topic: string; count: number }> }> };
      if (!module.items.some((i) => i.kind === 'lesson')) problems.push(`${topic}: no lesson`);
      if (!module.items.some((i) => i.kind === 'quiz')) problems.push(`${topic}: no quiz`);
      for (const item of module.items) for (const d of item.draw ?? []) if ((bank.get(d.topic) ?? 0) < d.count) problems.push(`${topic} ${item.key}: draws ${d.count} from ${d.topic}, bank has ${bank.get(d.topic) ?? 0}`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('loads into a fresh database: the five starter modules, published, every question, and the two in-house packages', async () => {
    const database = await openTestDatabase('content-checks');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vhcv-content-checks-'));
    const config = parseEnv({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    try {
      const summary = await loadContent(database.connection, { config });
      // giao-tiep: the SCORM 1.2 package, thai-do: the H5P package, each just before the quiz
      const packages = await packageModel(database.connection).find().lean();
      expect(packages.map((p) => p.kind).sort()).to.deep.equal(['h5p', 'scorm12']);
      for (const [code, kind] of [['VHCV-GIAO-TIEP', 'scorm12'], ['VHCV-THAI-DO', 'h5p']] as const) {
        const items = (await moduleModel(database.connection).findOne({ code }).lean<LearningModule>())!.draft.items;
        const item = items.at(-2) as PackageItem;
        expect(item.kind, code).to.equal('package');
        expect(items.at(-1)!.kind).to.equal('quiz');
        expect(packages.find((p) => p._id.equals(item.packageId))?.kind, code).to.equal(kind);
      }
      expect(await loadContent(database.connection, { config })).to.include({ modulesUnchanged: TOPICS.length });
      expect(await packageModel(database.connection).countDocuments()).to.equal(2);
      // without package storage the loader refuses (nothing half-loaded)
      const refused = await loadContent(database.connection, {}).catch((error: unknown) => error);
      expect(String((refused as Error).message)).to.contain('problem');
      expect(summary.modulesCreated).to.equal(TOPICS.length);
      expect(summary.questionsCreated).to.be.at.least(TOPICS.length * MIN_QUESTIONS);
      expect(await questionModel(database.connection).countDocuments()).to.equal(summary.questionsCreated);
      const again = await loadContent(database.connection, { config });
      expect(again).to.include({ modulesCreated: 0, modulesUpdated: 0, modulesUnchanged: TOPICS.length, questionsCreated: 0, questionsUpdated: 0 });
    } finally {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
