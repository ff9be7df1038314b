/**
 * Learning modules (học phần). A module is an identity (code, owner unit, draft) plus
 * immutable published versions: editing a published module edits its draft, and
 * publishing makes a new version. Officers keep the version they started with
 * (progress pins it), so a change mid-year never moves the ground under them.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';
import type { MessageId } from '../i18n';

export const TOPICS = ['thai-do', 'giao-tiep', 'dao-duc', 'trang-phuc', 'ky-luat'] as const;
export type Topic = (typeof TOPICS)[number];

export const topicLabels: Record<Topic, MessageId> = {
  'thai-do': 'topic_thai_do',
  'giao-tiep': 'topic_giao_tiep',
  'dao-duc': 'topic_dao_duc',
  'trang-phuc': 'topic_trang_phuc',
  'ky-luat': 'topic_ky_luat',
};

/** A file attached to a lesson (video, PDF, image), stored content-addressed under DATA_DIR/media. */
export interface Attachment {
  /** sha256 of the bytes, hex: also the storage key */
  sha256: string;
  name: string;
  mime: string;
  /** bytes */
  size: number;
}

export interface LessonItem {
  kind: 'lesson';
  /** stable within the module across versions ("bai-1") */
  key: string;
  title: string;
  /** sanitised HTML (server/modules/sanitize.ts) */
  body: string;
  attachments: Attachment[];
}

export interface QuizDraw {
  topic: Topic;
  /** questions drawn at random from this topic's bank for each attempt */
  count: number;
  /**
   * A module pool (a module code): draw only the topic's questions tagged with it, so that
   * a quiz examines what its module teaches. Unset: the whole topic bank (shared questions).
   */
  pool?: string | null;
}

/** True when `question` may be drawn for `draw`: its topic, and its pool when the draw names one. */
export function inDraw(question: { topic: string; pools?: readonly string[] | null }, draw: Pick<QuizDraw, 'topic' | 'pool'>): boolean {
  return question.topic === draw.topic && (!draw.pool || (question.pools ?? []).includes(draw.pool));
}

export interface QuizItem {
  kind: 'quiz';
  key: string;
  title: string;
  draw: QuizDraw[];
  /** 0–100: the score (percent of questions right) needed to pass */
  passPercent: number;
  /** attempts allowed per year; 0 = unlimited */
  attemptLimit: number;
  /** minutes to wait after a failed attempt before the next */
  cooldownMinutes: number;
  /** 0 = no limit; otherwise answers after the limit (plus a short grace) are refused */
  timeLimitMinutes: number;
  /** when the officer sees correct answers and explanations */
  review: 'after-submit' | 'after-pass' | 'never';
  shuffleOptions: boolean;
}

/**
 * What completes a package item (issue #14): 'auto' — the default by package type (see
 * server/progress/package-rules.ts); 'viewed' — opened; 'completed' — the package reports
 * completion (and no failure); 'passed' — it reports success; 'score' — score ≥ minScore %.
 */
export const PACKAGE_COMPLETION = ['auto', 'viewed', 'completed', 'passed', 'score'] as const;
export type PackageCompletion = (typeof PACKAGE_COMPLETION)[number];

/** An uploaded H5P or SCORM package (server/packages) played inside the module (issue #5). */
export interface PackageItem {
  kind: 'package';
  key: string;
  title: string;
  packageId: Types.ObjectId;
  /** the SCO to play (a multi-SCO SCORM package); null = the first / the H5P content */
  sco: string | null;
  /** absent on items saved before issue #14: read as 'auto' (the default), so no data needs rewriting */
  completion?: PackageCompletion;
  /** 1…100, with completion 'score' */
  minScore?: number;
}

export type ModuleItem = LessonItem | QuizItem | PackageItem;

export interface ModuleContent {
  title: string;
  topic: Topic;
  description: string;
  estimatedMinutes: number;
  /**
   * "lessons-first" (the plan's intent, and the default when absent): a quiz opens once every
   * lesson of the module is read; "free": items in any order.
   */
  order?: ModuleOrder;
  items: ModuleItem[];
}

export const MODULE_ORDERS = ['lessons-first', 'free'] as const;
export type ModuleOrder = (typeof MODULE_ORDERS)[number];
export const moduleOrderOf = (content: Pick<ModuleContent, 'order'>): ModuleOrder => content.order ?? 'lessons-first';

export interface LearningModule {
  _id: Types.ObjectId;
  /** unique, upper case ("VHCV-THAI-DO") */
  code: string;
  /** the unit whose coordinators may edit it; null = province-wide (admins, root coordinators) */
  ownerUnitId: Types.ObjectId | null;
  draft: ModuleContent;
  /** 0 until first published */
  publishedVersion: number;
  /** the draft differs from the published version */
  draftDirty: boolean;
  archived: boolean;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ModuleVersion {
  _id: Types.ObjectId;
  moduleId: Types.ObjectId;
  code: string;
  version: number;
  content: ModuleContent;
  publishedAt: Date;
  publishedBy: Types.ObjectId | null;
}

const attachmentSchema = new Schema<Attachment>({ sha256: String, name: String, mime: String, size: Number }, { _id: false });
const drawSchema = new Schema<QuizDraw>({ topic: { type: String, enum: TOPICS }, count: Number, pool: { type: String, default: undefined } }, { _id: false });
// items are a union: one loose sub-schema keeps both kinds' fields (zod validates them at the edge)
const itemSchema = new Schema(
  {
    kind: { type: String, required: true, enum: ['lesson', 'quiz', 'package'] },
    key: { type: String, required: true },
    title: { type: String, required: true },
    body: String,
    attachments: { type: [attachmentSchema], default: undefined },
    draw: { type: [drawSchema], default: undefined },
    passPercent: Number,
    attemptLimit: Number,
    cooldownMinutes: Number,
    timeLimitMinutes: Number,
    review: String,
    shuffleOptions: Boolean,
    packageId: Schema.Types.ObjectId,
    sco: { type: String, default: undefined },
    completion: { type: String, enum: PACKAGE_COMPLETION, default: undefined },
    minScore: Number,
  },
  { _id: false },
);
const contentSchema = new Schema<ModuleContent>(
  {
    title: { type: String, required: true },
    topic: { type: String, required: true, enum: TOPICS },
    description: { type: String, default: '' },
    estimatedMinutes: { type: Number, required: true },
    order: { type: String, enum: MODULE_ORDERS, default: undefined },
    items: { type: [itemSchema], default: [] },
  },
  { _id: false },
);

const moduleSchema = new Schema<LearningModule>(
  {
    code: { type: String, required: true, uppercase: true, trim: true },
    ownerUnitId: { type: Schema.Types.ObjectId, default: null },
    draft: { type: contentSchema, required: true },
    publishedVersion: { type: Number, default: 0 },
    draftDirty: { type: Boolean, default: true },
    archived: { type: Boolean, default: false },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, collection: 'modules' },
);
moduleSchema.index({ code: 1 }, { unique: true });
moduleSchema.index({ ownerUnitId: 1 });

const versionSchema = new Schema<ModuleVersion>(
  {
    moduleId: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true },
    version: { type: Number, required: true },
    content: { type: contentSchema, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'module_versions', versionKey: false },
);
versionSchema.index({ moduleId: 1, version: 1 }, { unique: true });

const moduleModels = defineModel<LearningModule>('LearningModule', moduleSchema);
export const moduleModel = moduleModels.model;
export const readyModuleModel = moduleModels.ready;
const versionModels = defineModel<ModuleVersion>('ModuleVersion', versionSchema);
export const moduleVersionModel = versionModels.model;
export const readyModuleVersionModel = versionModels.ready;
