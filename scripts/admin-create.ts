/**
 * `npm run admin:create -- [--username admin] [--email a@tinh.gov.vn] [--name "Họ tên"]`
 * makes an administrator account — the way in for an installation on a real MongoDB,
 * where no demo accounts exist. The password comes from ADMIN_PASSWORD, else a hidden
 * prompt on a terminal, else a random one that is printed once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openCliDatabase } from '../server/db/cli-connection';
import { env } from '../server/env';
import { isAppError } from '../server/errors';
import { say } from './cli';
import { createAccount } from '../server/users/service';

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let typed = '';
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\u0003') {
          input.setRawMode(false);
          reject(new Error('cancelled'));
          return;
        }
        if (char === '\r' || char === '\n') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
      }
    };
    input.on('data', onData);
  });
}

async function choosePassword(fromEnv: string | undefined): Promise<{ password: string; generated: boolean }> {
  if (fromEnv) return { password: fromEnv, generated: false };
  if (process.stdin.isTTY) {
    const first = await promptHidden(`${say('admin_cli_password_prompt')}: `);
    const second = await promptHidden(`${say('password_confirm')}: `);
    if (first !== second) throw new Error(say('password_mismatch'));
    return { password: first, generated: false };
  }
  return { password: randomBytes(12).toString('base64url'), generated: true };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { username: { type: 'string', default: 'admin' }, email: { type: 'string' }, name: { type: 'string', default: say('role_admin') } } });
  const config = env();
  const { password, generated } = await choosePassword(process.env['ADMIN_PASSWORD']);
  const db = await openCliDatabase(config);
  try {
    const account = await createAccount(
      db.connection,
      { username: values.username, displayName: values.name, role: 'admin', password, ...(values.email ? { email: values.email } : {}) },
      config.BCRYPT_COST,
    );
    console.log(say('admin_cli_created', { login: account.username ?? account.email ?? '' }));
    if (generated) console.log(say('admin_cli_generated_password', { password }));
    return 0;
  } catch (error) {
    const message = isAppError(error) ? [say(error.id, error.params), ...(error.details ?? []).map((d) => `  ${d.field}: ${say(d.id)}`)].join('\n') : (error as Error).message;
    console.error(say('admin_cli_failed', { reason: message }));
    return 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
