/**
 * Exports of completion figures: `GET /dashboards/units/:unitId/export?format=xlsx|csv|json
 * &level=unit|module|officer&status=&year=&campaignId=` and the same under `/api/v1`
 * (JSON by default). Streamed as they are read; audited.
 */
import type { Response, Router } from 'express';
import type { Services } from '../http/context';
import { route } from '../http/route';
import { t } from '../i18n';
import { findUnitOr404, unitRef } from '../units/scope';
import { notFound } from '../errors';
import { trainingYear } from '../progress/year';
import { COLUMNS, drainingWriter, neutralise, rowsOf, writeCsv, writeXlsx, type Cell } from './export';
import { exportQuery } from './schema';
import { chosenCampaigns, subtreeUnits } from './service';
import { FILE_TYPES } from '../apidocs/shapes';
import { exportJsonAnswer } from './response-schemas';

const TYPES = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

/** `{"columns":[…],"rows":[[…],…]}`, row by row. */
async function writeJson(out: Response, header: string[], batches: AsyncIterable<Cell[][]>): Promise<void> {
  const write = drainingWriter(out);
  await write(`{"columns":${JSON.stringify(header)},"rows":[`);
  let first = true;
  for await (const rows of batches) {
    if (!rows.length) continue;
    await write(`${first ? '' : ','}${rows.map((row) => JSON.stringify(row.map(neutralise))).join(',')}`);
    first = false;
  }
  out.end(']}');
}

export function registerExportRoutes(router: Router, services: Services): void {
  const { db } = services;
  for (const prefix of ['', '/api/v1']) {
    route(router, services, {
      method: 'get',
      path: `${prefix}/dashboards/units/:unitId/export`,
      access: 'signed-in',
      doc: { summary: 'Completion figures as JSON (default), XLSX or CSV', response: exportJsonAnswer, download: [FILE_TYPES.xlsx, FILE_TYPES.csv] },
      input: exportQuery,
      handle: async (ctx) => {
        const { input, res } = ctx;
        const unit = await findUnitOr404(db, input.unitId);
        ctx.authorize('dashboard.export', unitRef(unit));
        const now = new Date();
        const year = input.year ?? trainingYear(now);
        const [campaigns, units] = await Promise.all([chosenCampaigns(db, year, input.campaignId), subtreeUnits(db, unit)]);
        if (input.campaignId && !campaigns.length) throw notFound('dashboard_campaign_not_found');
        await ctx.audit({ action: 'dashboard.export', subject: { type: 'unit', id: unit._id }, unitId: unit._id, details: { format: input.format, level: input.level, status: input.status ?? null, year, campaigns: campaigns.map((c) => c.name) } });
        const header = COLUMNS[input.level].map((id) => t(ctx.locale, id));
        const rows = rowsOf(db, input.level, { units, campaigns, status: input.status, now, locale: ctx.locale });
        res.setHeader('Content-Type', TYPES[input.format]);
        if (input.format !== 'json') res.setHeader('Content-Disposition', `attachment; filename="so-lieu-boi-duong-${unit.code}-${year}-${input.level}.${input.format}"`);
        if (input.format === 'csv') {
          await writeCsv(res, header, rows);
          res.end();
        } else if (input.format === 'xlsx') await writeXlsx(res, t(ctx.locale, 'export_sheet'), header, rows);
        else await writeJson(res, header, rows);
      },
    });
  }
}
