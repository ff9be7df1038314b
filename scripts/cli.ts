/**
 * What the command-line scripts share: Vietnamese messages, the usage error, and the
 * exit protocol — 0 done, 1 problems or a failure (said in Vietnamese), 2 bad arguments.
 */
import { t, type MessageId } from '../server/i18n';

export const say = (id: MessageId, params?: Record<string, unknown>) => t('vi', id, params);

/** Bad arguments: its message is the usage text; the script exits 2. */
export class UsageError extends Error {}

/** Runs `main` and exits with its status; an unexpected error is reported with `failedId` ({reason}). */
export function runCli(main: () => Promise<number>, failedId: MessageId): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`${say(failedId, { reason: error instanceof Error ? error.message : String(error) })}\n`);
      process.exit(1);
    },
  );
}
