/**
 * Assignments: "this module is mandatory for these officers this year, due on this
 * date". A unit target includes its sub-units. This is the seed of the yearly campaign
 * (design §5): a campaign will own many assignments and add categories and positions as
 * targets.
 */
import { Schema, type Types } from 'mongoose';
import { defineModel } from '../db/models';

export interface Assignment {
  _id: Types.ObjectId;
  moduleId: Types.ObjectId;
  /** the training year the completion counts for */
  year: number;
  /** a unit and everything below it … */
  unitId: Types.ObjectId | null;
  /** … or named officers */
  officerIds: Types.ObjectId[];
  /** end of this day, Asia/Ho_Chi_Minh, is the deadline */
  dueDate: Date;
  active: boolean;
  createdBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

const assignmentSchema = new Schema<Assignment>(
  {
    moduleId: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    unitId: { type: Schema.Types.ObjectId, default: null },
    officerIds: { type: [Schema.Types.ObjectId], default: [] },
    dueDate: { type: Date, required: true },
    active: { type: Boolean, default: true },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, collection: 'assignments' },
);
assignmentSchema.index({ year: 1, unitId: 1 });
assignmentSchema.index({ year: 1, officerIds: 1 });
assignmentSchema.index({ moduleId: 1, year: 1 });

const assignmentModels = defineModel<Assignment>('Assignment', assignmentSchema);
export const assignmentModel = assignmentModels.model;
export const readyAssignmentModel = assignmentModels.ready;
