/** Authorization matrix cases of the learning routes (see cases.ts for the format). */
import type { Case } from './cases';

export const learningCases: Case[] = [];
