/**
 * One unit's certificates of a year as a ZIP file, or the backfill of missing certificates:
 *   npm run certificates -- --unit CODE --year YYYY --out FILE.zip
 *   npm run certificates -- --backfill [--year YYYY]
 * Uses MONGODB_URI if set; otherwise the database of the platform running on this
 * DATA_DIR (through its engine socket), or else opens the embedded database itself.
 * Exit status: 0 done, 1 a failure (an unknown unit, no certificates), 2 bad arguments.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { openCliDatabase } from '../server/db/cli-connection';
import { env } from '../server/env';
import { unitModel, type Unit } from '../server/units/model';
import { loadArt } from '../server/certificates/art';
import { backfillCertificates } from '../server/certificates/issue';
import { writeCertificatesZip, zipCount } from '../server/certificates/zip';
import { runCli, say, UsageError } from './cli';

interface Arguments {
  unit?: string;
  year?: number;
  out?: string;
  backfill: boolean;
}

function readArguments(): Arguments {
  let values;
  try {
    ({ values } = parseArgs({ options: { unit: { type: 'string' }, year: { type: 'string' }, out: { type: 'string' }, backfill: { type: 'boolean', default: false } } }));
  } catch {
    throw new UsageError(say('certificates_cli_usage'));
  }
  const year = values.year === undefined ? undefined : Number(values.year);
  if (year !== undefined && (!Number.isInteger(year) || year < 2000 || year > 2100)) throw new UsageError(say('certificates_cli_usage'));
  if (!values.backfill && (!values.unit || year === undefined || !values.out)) throw new UsageError(say('certificates_cli_usage'));
  return { ...(values.unit ? { unit: values.unit } : {}), ...(year !== undefined ? { year } : {}), ...(values.out ? { out: values.out } : {}), backfill: values.backfill === true };
}

async function main(): Promise<number> {
  const args = readArguments();
  const config = env();
  const database = await openCliDatabase(config);
  const db = database.connection;
  process.once('SIGINT', () => void database.close().finally(() => process.exit(130)));
  try {
    if (args.backfill) {
      const count = await backfillCertificates(db, new Date(), args.year ? { year: args.year } : {});
      process.stdout.write(`${say('certificates_cli_backfilled', { count })}\n`);
      return 0;
    }
    const unit = await unitModel(db).findOne({ code: args.unit!.trim().toUpperCase() }).lean<Unit>();
    if (!unit) {
      process.stderr.write(`${say('unit_code_unknown')}: ${args.unit}\n`);
      return 1;
    }
    if ((await zipCount(db, unit._id, args.year!)) === 0) {
      process.stderr.write(`${say('certificate_zip_empty', { year: args.year })}\n`);
      return 1;
    }
    const out = fs.createWriteStream(args.out!);
    const count = await writeCertificatesZip(db, unit._id, args.year!, await loadArt(db, config), out, (done, total) => {
      if (done === total || done % 100 === 0) process.stderr.write(`${say('certificate_zip_progress', { done, total })}\n`);
    });
    process.stdout.write(`${say('certificates_cli_done', { count, file: args.out })}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

runCli(main, 'certificates_cli_failed');
