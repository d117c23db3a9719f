import BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_DATABASE_PATH, readEnvFile } from './config.js';
import { heartbeatPath, heartbeatProblems } from './metrics/health.js';
import { databaseWriteProbe } from './store/health.js';
import { errorMessage } from './util/error-message.js';
import { isMain } from './util/is-main.js';

/**
 * `node dist/src/healthcheck.js`: Docker's HEALTHCHECK. Healthy (exit 0) when the database opens
 * and takes a write, and the running bot's heartbeat is fresh and healthy. Works whether or not
 * the metrics listener is on. Needs only DATABASE_PATH.
 */
export function runHealthcheck(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  nowMs = Date.now(),
): number {
  const merged = { ...readEnvFile(), ...env };
  const databasePath = merged.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH;
  const problems: string[] = [];
  try {
    const db = new BetterSqlite3(databasePath, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 3000');
      databaseWriteProbe(db, nowMs);
    } finally {
      db.close();
    }
  } catch (error) {
    problems.push(`database: ${databasePath} is not writable (${errorMessage(error)})`);
  }
  problems.push(...heartbeatProblems(heartbeatPath(databasePath), nowMs));
  if (problems.length === 0) {
    out('healthy');
    return 0;
  }
  for (const problem of problems) out(`unhealthy: ${problem}`);
  return 1;
}

if (isMain(import.meta.url)) {
  process.exitCode = runHealthcheck(process.env, (line) => process.stdout.write(`${line}\n`));
}
