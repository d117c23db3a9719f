import { DEFAULT_DATABASE_PATH, readEnvFile } from './config.js';
import { backupDatabase, backupTarget } from './store/backup.js';
import { errorMessage } from './util/error-message.js';
import { isMain } from './util/is-main.js';

/**
 * `npm run backup [path]`: an online, consistent copy of the database (the bot may keep running).
 * Needs only DATABASE_PATH (environment, then `.env`), not the secrets. Returns the exit code.
 */
export async function runBackup(
  args: readonly string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  now: Date = new Date(),
): Promise<number> {
  const merged = { ...readEnvFile(), ...env };
  const databasePath = merged.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH;
  const target = backupTarget(databasePath, args[0], now);
  try {
    const result = await backupDatabase(databasePath, target);
    const mb = (result.bytes / 2 ** 20).toFixed(1);
    out(`Backed up ${databasePath} to ${result.path} (${mb} MB, integrity check ok).`);
    return 0;
  } catch (error) {
    out(`Backup failed: ${errorMessage(error)}`);
    return 1;
  }
}

if (isMain(import.meta.url)) {
  runBackup(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`Backup failed: ${errorMessage(error)}\n`);
      process.exit(1);
    },
  );
}
