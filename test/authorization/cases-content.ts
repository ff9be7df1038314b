/** Authorization matrix cases of the content routes (see cases.ts for the format). */
import type { Case } from './cases';

export const contentCases: Case[] = [];
