/** Authorization matrix cases of the authoring routes (see cases.ts for the format). */
import type { Case } from './cases';

export const authoringCases: Case[] = [];
