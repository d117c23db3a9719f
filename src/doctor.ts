import { ConfigError, loadConfigFromProcess } from './config.js';
import { INVITE_PERMISSIONS } from './discord/permissions.js';
import { createRest, discordFailure, inviteUrl, stopRest, type ToolOptions, whoAmI } from './discord/rest.js';
import { ANNOUNCE_PERMISSION_NAMES } from './domain/permissions.js';
import { scrubSecrets, silentLogger } from './log.js';
import { CLOCK_SKEW_WARN_MS, createRaClient } from './ra/client.js';
import { RaError } from './ra/errors.js';
import { raClientOptions } from './ra/from-config.js';
import { trackedUlidsInFile } from './store/followers.js';
import { FOLLOWERS_PAGE_SIZE } from './tracking/followers.js';
import { isMain } from './util/is-main.js';

/**
 * `npm run doctor`: checks the configuration, the Discord token and the RA key, one cheap call
 * each, and prints the invite URL. Every failure says what to do. Returns the exit code.
 */
export async function runDoctor(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  options: ToolOptions = {},
): Promise<number> {
  let config: ReturnType<typeof loadConfigFromProcess>;
  try {
    config = loadConfigFromProcess(options.envFile ?? '.env', env);
    out('✔ configuration is valid');
  } catch (error) {
    if (error instanceof ConfigError) {
      out(`✘ ${error.message}`);
      return 1;
    }
    throw error;
  }
  let ok = true;

  const rest = createRest(config.DISCORD_API_URL, config.DISCORD_TOKEN);
  try {
    const { user, application } = await whoAmI(rest);
    out(`✔ Discord token works: the bot is ${user.username} (id ${user.id}), application ${application.id}`);
    out(`  Invite it with: ${inviteUrl(application.id, INVITE_PERMISSIONS)}`);
    out(`  (scopes: bot, applications.commands; permissions: ${ANNOUNCE_PERMISSION_NAMES})`);
  } catch (error) {
    ok = false;
    out(`✘ ${discordFailure(error, config.DISCORD_API_URL, config.DISCORD_TOKEN)}`);
  } finally {
    stopRest(rest);
  }

  const ra = createRaClient({ ...raClientOptions(config, silentLogger()), maxRetries: 1 });
  try {
    if (config.RA_USERNAME) {
      const profile = await ra.getUserProfile(config.RA_USERNAME);
      out(`✔ RetroAchievements key works (key owner ${profile.user})`);
      out(`  ${await followersLine(ra, config.DATABASE_PATH, profile.user)}`);
    } else {
      await ra.getRecentGameAwards({ count: 1 });
      out('✔ RetroAchievements key works');
    }
    const skew = ra.clockSkewMs();
    if (skew !== null) {
      const seconds = Math.round(skew / 1000);
      const line = `clock: RetroAchievements is ${Math.abs(seconds)} s ${seconds >= 0 ? 'ahead of' : 'behind'} this machine`;
      out(Math.abs(skew) > CLOCK_SKEW_WARN_MS ? `! ${line}; fix the system clock (NTP)` : `✔ ${line}`);
    }
  } catch (error) {
    ok = false;
    if (error instanceof RaError && error.kind === 'auth') {
      out(
        '✘ RetroAchievements rejected RA_API_KEY. Copy the web API key from retroachievements.org > Settings > Keys.',
      );
    } else if (error instanceof RaError && error.kind === 'not-found') {
      out('✘ RA_USERNAME is not a RetroAchievements user. Fix it or leave it empty.');
    } else {
      out(
        `✘ RetroAchievements did not answer properly at ${config.RA_API_URL}: ${error instanceof RaError ? error.userMessage : scrubSecrets(String(error), [config.RA_API_KEY])} Check the network and RA_API_URL.`,
      );
    }
  } finally {
    await ra.close();
  }
  out(
    ok ? 'All checks passed.' : 'Some checks failed; fix the items marked ✘ and run `npm run doctor` again.',
  );
  return ok ? 0 : 1;
}

/** ULIDs in one of the key owner's lists (at most 20 pages); rows without a ULID are left out. */
async function readList(
  read: (options: {
    offset: number;
    count: number;
  }) => Promise<{ rows: { ulid: string | null }[]; total: number }>,
): Promise<Set<string>> {
  const ulids = new Set<string>();
  for (let page = 0; page < 20; page++) {
    const { rows, total } = await read({ offset: page * FOLLOWERS_PAGE_SIZE, count: FOLLOWERS_PAGE_SIZE });
    for (const row of rows) if (row.ulid !== null) ulids.add(row.ulid.toUpperCase());
    if ((page + 1) * FOLLOWERS_PAGE_SIZE >= total || rows.length === 0) break;
  }
  return ulids;
}

/**
 * How many tracked users are watched: they follow the key owner on RA, or it follows them (their
 * unlocks are announced within seconds), and the two ways to watch the others.
 */
async function followersLine(
  ra: ReturnType<typeof createRaClient>,
  databasePath: string,
  owner: string,
): Promise<string> {
  const tracked = trackedUlidsInFile(databasePath);
  try {
    const followers = await readList(async (o) => {
      const page = await ra.getUsersFollowingMe(o);
      return { rows: page.followers, total: page.total };
    });
    const followed = await readList(async (o) => {
      const page = await ra.getUsersIFollow(o);
      return { rows: page.followed, total: page.total };
    });
    if (tracked === null)
      return `${followers.size} RA users follow ${owner} and it follows ${followed.size}; no database yet, so no tracked users to compare.`;
    const count = (test: (ulid: string) => boolean) => [...tracked].filter(test).length;
    const follows = count((u) => followers.has(u));
    const isFollowed = count((u) => followed.has(u));
    const either = count((u) => followers.has(u) || followed.has(u));
    return `${either} of ${tracked.size} tracked users are watched (announced within seconds; the others by polling): ${follows} follow ${owner} on RA, ${owner} follows ${isFollowed}. To watch another: they follow ${owner}, or sign in to RA as ${owner} and follow them.`;
  } catch (error) {
    return `could not read who follows ${owner} or whom it follows (${error instanceof RaError ? error.userMessage : 'unexpected answer'}); announcements still work by polling.`;
  }
}

if (isMain(import.meta.url)) {
  runDoctor(process.env, (line) => process.stdout.write(`${line}\n`)).then((code) => process.exit(code));
}
