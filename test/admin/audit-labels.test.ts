/**
 * Every action the code records has a label on the audit page: the sources are read for
 * `action: '<area>.<verb>'` (and the branches of a conditional action), so a new audited
 * action without its `audit_action_*` message fails here instead of showing a raw code.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { auditActionLabel, auditPrefixes } from '../../server/admin/presenters';

const serverDir = path.resolve(__dirname, '../../../server');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'i18n' || entry.name === 'db' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function recordedActions(): Set<string> {
  const actions = new Set<string>();
  for (const file of sourceFiles(serverDir)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      // ctx.audit({ action: '…' }), the sign-in's audit('…', account), campaigns' auditOf(ctx, '…')
      const at = line.search(/\baction: |\baudit\w*\((?:ctx, )?'/);
      if (at < 0) continue;
      // (a type such as `action: 'campaign.view' | 'campaign.manage'` names policies, not audit events)
      if (/'[a-z_.]+' \|/.test(line)) continue;
      for (const match of line.slice(at).matchAll(/'([a-z_]+\.[a-z_]+)'/g)) actions.add(match[1]!);
    }
  }
  return actions;
}

describe('audit: every recorded action has a label', () => {
  it('finds the actions in the sources (the scan itself works)', () => {
    expect(recordedActions()).to.include.members(['auth.sign_in', 'officer.transfer', 'module.publish', 'module.unarchive', 'campaign.due_change', 'exemption.refuse']);
  });

  it('each has its audit_action_* message and its area has a filter', () => {
    const actions = [...recordedActions()];
    expect(actions.filter((action) => !auditActionLabel(action)), 'actions without a label').to.deep.equal([]);
    expect(actions.filter((action) => !auditPrefixes.some((p) => action.startsWith(p.value))), 'actions without a filter').to.deep.equal([]);
  });
});
