/**
 * The xAPI statement store (xapi_statements): every statement an H5P package sends while
 * an officer plays it, as sent (made safe to store), with the server's own idea of who
 * and which attempt — the actor in a statement is whatever the browser claimed and is
 * replaced by the attempt's account. Export and per-officer views read this collection.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';

export interface XapiStatementRecord {
  _id: Types.ObjectId;
  attemptId: Types.ObjectId;
  accountId: Types.ObjectId;
  officerId: Types.ObjectId | null;
  packageId: Types.ObjectId;
  /** the statement's id (the player gives each one a UUID): a statement posted twice is stored once */
  statementId: string;
  /** the verb's IRI, e.g. http://adlnet.gov/expapi/verbs/answered */
  verb: string;
  /** true when the statement has no context.contextActivities.parent (it is about the whole content) */
  topLevel: boolean;
  /** the statement as JSON text: lossless (xAPI extension keys are IRIs, full of dots a document key cannot hold) */
  statement: string;
  storedAt: Date;
}

const statementSchema = new Schema<XapiStatementRecord>(
  {
    attemptId: { type: Schema.Types.ObjectId, required: true },
    accountId: { type: Schema.Types.ObjectId, required: true },
    officerId: { type: Schema.Types.ObjectId, default: null },
    packageId: { type: Schema.Types.ObjectId, required: true },
    statementId: { type: String, required: true },
    verb: { type: String, required: true },
    topLevel: { type: Boolean, required: true },
    statement: { type: String, required: true },
    storedAt: { type: Date, required: true },
  },
  { collection: 'xapi_statements', minimize: false },
);
statementSchema.index({ officerId: 1, storedAt: -1 });
statementSchema.index({ packageId: 1, storedAt: -1 });
statementSchema.index({ attemptId: 1, storedAt: 1 });
statementSchema.index({ attemptId: 1, statementId: 1 }, { unique: true });

const statementModels = defineModel<XapiStatementRecord>('XapiStatement', statementSchema);
export const xapiStatementModel = statementModels.model;
export const readyXapiStatementModel = statementModels.ready;
