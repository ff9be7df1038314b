/**
 * `npm run report -- --unit CODE --year YYYY --out DIR`: writes the unit's annual report
 * (DOCX and PDF, as the page gives them: frozen figures once frozen, live ones before)
 * into DIR and prints the two paths. Exit 0 done, 1 failure, 2 bad arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openCliDatabase } from '../server/db/cli-connection';
import { env } from '../server/env';
import { unitModel, type Unit } from '../server/units/model';
import { trainingYear } from '../server/progress/year';
import { fileName, FORMATS, unitDocument } from '../server/reports/export';
import { runCli, say, UsageError } from './cli';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { unit: { type: 'string' }, year: { type: 'string' }, out: { type: 'string' } }, strict: true });
  if (!values.unit || !values.out) throw new UsageError(say('report_cli_usage'));
  const year = values.year ? Number(values.year) : trainingYear();
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UsageError(say('report_year_invalid'));
  const db = await openCliDatabase(env());
  try {
    const unit = await unitModel(db.connection).findOne({ code: values.unit.trim().toUpperCase() }).lean<Unit>();
    if (!unit) {
      process.stderr.write(`${say('report_cli_no_unit', { code: values.unit })}\n`);
      return 1;
    }
    fs.mkdirSync(values.out, { recursive: true });
    const doc = await unitDocument(db.connection, unit, year);
    for (const format of ['docx', 'pdf'] as const) {
      const file = path.join(values.out, fileName(unit.code, year, format));
      fs.writeFileSync(file, await FORMATS[format].build(doc));
      process.stdout.write(`${file}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}

runCli(main, 'report_cli_failed');
