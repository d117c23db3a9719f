/**
 * A simulated day: the whole bot but the gateway (startBot in its own process: follower watcher,
 * schedule, poller, award feed, catalogue refresh, community jobs, /link proofs, dispatcher
 * posting over REST) against the fake RA and the fake Discord (in this process), on a clock
 * `speed` times faster than real time, seeded and repeatable.
 *
 * This process owns the world and the script: RA activity, faults, restarts, /link proofs and
 * commands (through the fake Discord's interactions), applied as virtual time passes. It only
 * watches what a user would see (channel posts, replies) and what RA would see (requests); the
 * bot's database is read after the bot stopped, to name the outbox row behind each post.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { latestSlot } from '../../src/community/digest-schedule.js';
import { deployCommands } from '../../src/deploy-commands.js';
import { openDatabase, Store } from '../../src/store/index.js';
import { type FakeMember, type InteractionHandle, startFakeDiscord } from '../../test/fakes/discord/index.js';
import { seedCatalogue } from '../../test/fakes/ra/catalogue.js';
import { type FakeRaEndpoint, FakeWorld, startFakeRa } from '../../test/fakes/ra/index.js';
import { percentile, prng, round } from '../lib.js';
import type { BotProcessInput, BotProcessStats } from './bot-process.js';
import { type ClockSpec, virtualAt } from './clock.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const API_KEY = 'SimRaKey0123456789abcdef';
const DISCORD_TOKEN = 'fake-discord-token.sim';
const BOT_RA = 'CheevoBot';
const POINTS_MIX = [1, 2, 3, 4, 5, 5, 5, 10, 10, 10, 10, 25, 25, 50, 100];
const BOT_PROCESS = fileURLToPath(new URL('./bot-process.ts', import.meta.url));

export interface SimOptions {
  seed: number;
  /** Virtual time per real time. */
  speed: number;
  /**
   * Simulated hours of activity, then up to `graceMinutes` with no new unlocks for the last posts
   * to land (it ends early once every unlock made is posted).
   */
  hours: number;
  graceMinutes: number;
  users: number;
  servers: number;
  /** Followers of the bot's RA account in all (tracked or not); half of the tracked users are among them. */
  followers: number;
  /** Share of tracked users who follow. */
  followingShare: number;
  /** Titles in RA's catalogue (a fresh database builds it from nothing). */
  catalogueTitles: number;
  games: number;
  linkProofs: number;
  /** Of the proofs, how many are by members whose RA account already follows (unfollow, then follow). */
  linkProofsAlreadyFollowing: number;
  /** A slash command (/profile) this often (virtual ms). */
  commandEveryMs: number;
  restartEveryMs: number;
  /** When the Achievement of the Week changes (virtual ms after the start). */
  aotwChangeAfterMs: number;
  lateAwards: number;
  /** Set revisions: each demotes two achievements for 45 minutes, then promotes them again. */
  setRevisions: number;
  /**
   * Tracked users watched only through the second follow list (API_GetUsersIFollow): the bot's
   * account follows them, they don't follow it. Taken from the tracked users who don't follow.
   */
  watchedByIFollow: number;
  faults: boolean;
  /** Where the bot's database goes (a temporary folder by default; removed at the end). */
  dataDir?: string;
  /** Progress lines on stderr. */
  verbose?: boolean;
}

export const DAY_OPTIONS: SimOptions = {
  seed: 20261208,
  speed: 96,
  hours: 24,
  graceMinutes: 240,
  users: 5000,
  servers: 500,
  followers: 10_000,
  followingShare: 0.5,
  catalogueTitles: 50_000,
  games: 400,
  linkProofs: 20,
  linkProofsAlreadyFollowing: 10,
  commandEveryMs: 2 * MINUTE,
  restartEveryMs: 2 * HOUR,
  aotwChangeAfterMs: 9.5 * HOUR,
  lateAwards: 20,
  setRevisions: 3,
  watchedByIFollow: 1000,
  faults: true,
};

/** The small version `npm test` runs: same world shape, ~300 users, 2 simulated hours. */
export const SMALL_OPTIONS: SimOptions = {
  ...DAY_OPTIONS,
  speed: 200,
  hours: 2,
  graceMinutes: 45,
  users: 300,
  servers: 30,
  followers: 600,
  catalogueTitles: 5000,
  games: 60,
  commandEveryMs: 5 * MINUTE,
  restartEveryMs: 1 * HOUR,
  aotwChangeAfterMs: 20 * MINUTE,
  lateAwards: 4,
  watchedByIFollow: 60,
};

export interface ChannelFigures {
  channelId: string;
  made: number;
  announced: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

export interface UnlockSample {
  channelId: string;
  ulid: string;
  achievementId: number;
  /** Demoted and promoted again by a set revision during the day. */
  revised: boolean;
  follower: boolean;
  followedByBot: boolean;
  earnedAfterMin: number;
  /**
   * The user's activity reads (GetUserRecentAchievements / GetAchievementsEarnedBetween) RA
   * received after the unlock, and when the first came (virtual minutes after the start; null:
   * none): tells a user never polled again from one polled whose unlock was missed.
   */
  activityReadsAfter: number;
  firstActivityReadAfterMin: number | null;
}

export interface SimReport {
  options: Omit<SimOptions, 'verbose' | 'dataDir'>;
  /** Virtual ms the run covered (activity plus grace). */
  simulatedHours: number;
  realSeconds: number;
  unlocks: {
    made: number;
    announced: number;
    lost: number;
    duplicated: number;
    outOfOrder: number;
    /** Posts naming an unlock that was never made for that user in that server. */
    unexpected: number;
    /** Unlocks (per channel) not posted within 60 virtual minutes after the day's activity ended. */
    unpostedAtDayPlus60: number;
    /** When the last unlock's first post landed, minutes after the day's activity ended (<= 0: during it). */
    lastPostAfterDayMin: number | null;
    channels: number;
    /** Channels with any loss, duplicate or disorder (the per-channel rows are in `channels`). */
    channelsWithProblems: ChannelFigures[];
    /** The first lost ones: whose, which, and when earned (virtual minutes after the start). */
    lostSamples: UnlockSample[];
    duplicateSamples: (UnlockSample & { times: number })[];
  };
  latency: {
    followers: { n: number; medianS: number; p95S: number };
    /** Users watched only because the bot's account follows them (API_GetUsersIFollow). */
    followedByBot: { n: number; medianS: number; p95S: number };
    others: { n: number; medianS: number; p95S: number };
  };
  awards: {
    posted: number;
    lateAwardsMade: number;
    /**
     * Late awards by how late RA granted them. The bot reads the award feed (ordered by award
     * date) back to its previous read with a 30-minute overlap (README: an award granted up to 30
     * minutes after its date is announced); one granted later is caught only if its game is read
     * for another reason. Each: made (dated after tracking started) and posted in every server
     * tracking the user.
     */
    late: {
      withinOverlap: { made: number; posted: number };
      beyondOverlap: { made: number; posted: number };
    };
  };
  catalogue: {
    /** Titles RA lists over all its consoles (the generated catalogue, well-known sets and the played games). */
    titles: number;
    storedTitles: number;
    /** Virtual minutes from the start of the day (the bot's fresh start) to the first "catalogue refreshed"; null: never. */
    finishedAfterMin: number | null;
  };
  linkProofs: {
    tried: number;
    completed: number;
    correct: number;
    /** Each proof: whether its account already followed, when it started, and the reply's last words. */
    /** Members who ran /link a second time (no answer within a minute, or RA not answering). */
    retried: number;
    each: {
      alreadyFollowing: boolean;
      startedAfterMin: number;
      retried: boolean;
      linked: boolean;
      reply: string;
    }[];
  };
  digests: { servers: number; perServer: Record<string, number>; exactlyOne: number };
  aotw: { servers: number; perServer: Record<string, number>; exactlyOne: number };
  commands: { sent: number; answered: number };
  ra: {
    requests: number;
    byGroup: Record<string, number>;
    shareByGroup: Record<string, number>;
    /** Where the fake RA received them (after a trip through a loaded machine). */
    peakPer10sWindow: number;
    peakRps10s: number;
    /** Where the bot sent them (its process, as each left the rate gate). */
    peakPer10sAtSend: number;
    peakRps10sAtSend: number;
    configuredRps: number;
    faultsInjected: Record<string, number>;
  };
  discord: { posts: number; faultsInjected: number; violations: number; errors: number };
  bot: BotProcessStats & {
    /** POLL_CRON ticks node-cron skipped as more than 1 s late (real stalls, times the speed-up). */
    cronTicksMissed: number;
    /** Anything else the bot's process printed (first 50 lines). */
    output: string[];
  };
}

interface TrackedUser {
  ulid: string;
  username: string;
  following: boolean;
  /** The bot's RA account follows this user (and the user does not follow it). */
  followedByBot: boolean;
  guilds: number[];
}

interface ScriptEvent {
  at: number;
  run: () => void;
}

/** Which part of the bot a request served, by endpoint (the lanes are the client's; this is what RA sees). */
const GROUPS: Record<string, FakeRaEndpoint[]> = {
  'follow lists': ['GetUsersFollowingMe', 'GetUsersIFollow'],
  polling: ['GetUserRecentAchievements', 'GetAchievementsEarnedBetween', 'GetGameInfoAndUserProgress'],
  'award feed': ['GetRecentGameAwards'],
  catalogue: ['GetConsoleIDs', 'GetGameList'],
  'community (AotW)': ['GetAchievementOfTheWeek'],
  'commands and other': [
    'GetUserProfile',
    'GetUserSummary',
    'GetUserAwards',
    'GetUserRecentlyPlayedGames',
    'GetGame',
    'GetGameExtended',
  ],
};

function groupOf(endpoint: string): string {
  for (const [group, endpoints] of Object.entries(GROUPS))
    if (endpoints.includes(endpoint as never)) return group;
  return 'commands and other';
}

const guildName = (i: number) => `Retro Server ${i}`;

export async function runSimulation(options: SimOptions): Promise<SimReport> {
  const log = (line: string) => {
    if (options.verbose) process.stderr.write(`${line}\n`);
  };
  const realStarted = performance.now();
  const rand = prng(options.seed);
  const t0 = Date.UTC(2026, 0, 5, 0, 0, 0); // a Monday, 00:00 UTC
  const activityEnd = t0 + options.hours * HOUR;
  /** The grace period may end early: see `allLanded`. */
  let end = activityEnd + options.graceMinutes * MINUTE;
  let clock: ClockSpec | null = null;
  const virtualNow = () => (clock ? virtualAt(clock, Date.now()) : t0);
  const now = () => new Date(virtualNow());

  // ---- RA's world ---------------------------------------------------------------------------
  const world = new FakeWorld({ now, pointsLagMs: 5_000 });
  seedCatalogue(world, { size: options.catalogueTitles, seed: options.seed });
  const achievementsOf = new Map<number, number[]>();
  const gameIds: number[] = [];
  for (let g = 0; g < options.games; g++) {
    const id = 900_000 + g;
    const size = rand.int(12, 60);
    const achievements = Array.from({ length: size }, (_, i) => ({
      id: id * 100 + i,
      points: rand.next() < 0.03 ? 0 : rand.pick(POINTS_MIX),
    }));
    world.addGame({ id, title: `Sim Game ${g}`, achievements });
    achievementsOf.set(
      id,
      achievements.map((a) => a.id),
    );
    gameIds.push(id);
  }
  world.addUser({ username: BOT_RA });
  const firstAchievement = achievementsOf.get(gameIds[0]!)![0]!;
  const nextAotw = achievementsOf.get(gameIds[1]!)![0]!;
  world.aotw = { achievementId: firstAchievement, startAt: new Date(t0 - 2 * 24 * HOUR) };

  const tracked: TrackedUser[] = [];
  const trackedFollowers = Math.round(options.users * options.followingShare);
  for (let i = 0; i < options.users; i++) {
    const username = `Player${String(i).padStart(5, '0')}`;
    const user = world.addUser({ username });
    // Spread followers over the list: every other user (for share 0.5).
    const following = Math.floor((i + 1) * options.followingShare) > Math.floor(i * options.followingShare);
    if (following) world.follow(user.ulid);
    // A little history from before tracking (never announced).
    const game = rand.pick(gameIds);
    for (const id of achievementsOf.get(game)!.slice(0, rand.int(0, 3)))
      world.unlock(user.ulid, id, { hardcore: true, at: new Date(t0 - rand.int(2, 300) * 24 * HOUR) });
    tracked.push({ ulid: user.ulid, username, following, followedByBot: false, guilds: [] });
  }
  // Users watched only through the bot's own follow list: an admin followed them from the bot's
  // account on the site. Spread over the ones who don't follow the bot.
  {
    const candidates = tracked.filter((u) => !u.following);
    const n = Math.min(options.watchedByIFollow, candidates.length);
    for (let k = 0; k < n; k++) {
      const user = candidates[Math.floor((k * candidates.length) / n)]!;
      user.followedByBot = true;
      world.botFollow(user.ulid);
    }
  }
  for (let i = 0; i < options.followers - trackedFollowers; i++) {
    const user = world.addUser({ username: `Fan${String(i).padStart(5, '0')}` });
    world.follow(user.ulid);
    world.visit(user.ulid, new Date(t0 - rand.int(1, 30 * 24 * 60) * MINUTE));
  }
  log(
    `world: ${world.userCount} RA users, ${options.followers} followers, ${options.catalogueTitles} titles`,
  );

  const ra = await startFakeRa({ apiKey: API_KEY, world, strictBadges: false });
  // Lists as JSON objects, as PHP sends them after dropping rows.
  ra.compat.indexedResults = options.faults;

  // ---- Discord ------------------------------------------------------------------------------
  const discord = await startFakeDiscord({
    token: DISCORD_TOKEN,
    now: () => virtualNow(),
    heartbeatIntervalMs: 41_250,
  });
  const guilds: { id: string; channelId: string; members: FakeMember[] }[] = [];
  for (let g = 0; g < options.servers; g++) {
    const guild = discord.addGuild({ name: guildName(g) });
    const channel = discord.addChannel(guild.id, { name: 'achievements' });
    const members = [0, 1].map((m) => discord.addMember(guild.id, { username: `member${g}x${m}` }));
    guilds.push({ id: guild.id, channelId: channel.id, members });
  }

  // ---- the bot's database, as admins would have set it up before this day --------------------
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cheevobot-sim-'));
  const databasePath = join(dataDir, 'bot.sqlite');
  {
    const store = new Store(openDatabase(databasePath));
    const setupAt = t0 - HOUR;
    for (const [g, guild] of guilds.entries()) {
      store.updateGuildSettings(guild.id, { defaultChannelId: guild.channelId }, setupAt);
      // Each server's weekly digest falls due once inside the window, at a whole hour.
      const schedule = {
        channelId: guild.channelId,
        weekday: 1,
        hour: Math.min(options.hours - 1, Math.floor((g / options.servers) * options.hours) + 1) % 24,
        timeZone: 'UTC',
      };
      store.community.setDigest(guild.id, schedule, latestSlot(schedule, setupAt), setupAt);
      store.community.setAotwChannel(guild.id, guild.channelId, setupAt);
    }
    for (const [i, user] of tracked.entries()) {
      const first = i % options.servers;
      user.guilds.push(first);
      if (rand.next() < 0.2) {
        const second = rand.int(0, options.servers - 1);
        if (second !== first) user.guilds.push(second);
      }
      for (const g of user.guilds)
        store.trackUser({
          guildId: guilds[g]!.id,
          ulid: user.ulid,
          displayName: user.username,
          userPic: `/UserPic/${user.username}.png`,
          addedBy: 'sim',
          now: setupAt,
        });
    }
    store.close();
  }

  // ---- the script ---------------------------------------------------------------------------
  const script: ScriptEvent[] = [];
  const at = (ms: number, run: () => void) => script.push({ at: ms, run });
  const unlocksMade: { ulid: string; achievementId: number; at: number }[] = [];

  // Play: ~5% playing at any time (sessions 1-2 h, ~28.5 h apart), ~3 unlocks an hour.
  for (const user of tracked) {
    let t = t0;
    let playing = rand.next() < 0.05;
    let left = playing ? rand.next() * (1 + rand.next()) * HOUR : -Math.log(1 - rand.next()) * 28.5 * HOUR;
    const used = new Set<number>();
    while (t < activityEnd) {
      if (playing) {
        const game = rand.pick(gameIds);
        const start = t;
        at(start, () => world.play(user.ulid, game, new Date(start)));
        const sessionEnd = Math.min(activityEnd, t + left);
        let u = t;
        for (;;) {
          u += -Math.log(1 - rand.next()) * (HOUR / 3);
          if (u >= sessionEnd) break;
          const pool = achievementsOf
            .get(game)!
            .filter((id) => !used.has(id) && !world.unlockOf(user.ulid, id));
          if (pool.length === 0) break;
          const id = rand.pick(pool);
          used.add(id);
          const hardcore = rand.next() < 0.8;
          const when = u;
          at(when, () => {
            // An achievement demoted by a set revision can't be earned officially meanwhile.
            if (world.isDemoted(id)) return;
            if (world.unlock(user.ulid, id, { hardcore, at: new Date(when) }) === 'new')
              unlocksMade.push({ ulid: user.ulid, achievementId: id, at: when });
          });
        }
        t = t + left;
        left = -Math.log(1 - rand.next()) * 28.5 * HOUR;
      } else {
        t += left;
        left = (1 + rand.next()) * HOUR;
      }
      playing = !playing;
    }
  }

  // Late awards: RA's background job grants an award dated at an unlock an hour or more ago.
  // Every other one is granted 5-25 minutes after its date (inside the feed's 30-minute overlap),
  // the rest 1-3 hours after (beyond it).
  let lateAwardsMade = 0;
  const lateAwards: { ulid: string; gameId: number; within: boolean; dated: number }[] = [];
  for (let i = 0; i < options.lateAwards; i++) {
    const when = t0 + ((i + 0.5) / options.lateAwards) * options.hours * HOUR;
    const user = rand.pick(tracked);
    const game = rand.pick(gameIds);
    const within = i % 2 === 0;
    const dated = when - (within ? rand.int(5, 25) : rand.int(60, 180)) * MINUTE;
    at(when, () => {
      world.play(user.ulid, game, new Date(when - 2 * HOUR));
      world.grantAward(user.ulid, game, 'beaten-softcore', new Date(dated));
      lateAwardsMade++;
      lateAwards.push({ ulid: user.ulid, gameId: game, within, dated });
    });
  }

  // Set revisions: two achievements of a game are demoted for 45 minutes, then promoted again
  // (back with their original unlock dates: never a new unlock).
  const revised = new Set<number>();
  for (let k = 0; k < options.setRevisions; k++) {
    const when = t0 + ((k + 1) / (options.setRevisions + 1)) * options.hours * HOUR;
    const ids = achievementsOf.get(gameIds[(k + 2) % gameIds.length]!)!.slice(0, 2);
    for (const id of ids) revised.add(id);
    at(when, () => {
      for (const id of ids) world.demote(id);
    });
    at(when + 45 * MINUTE, () => {
      for (const id of ids) world.promote(id);
    });
  }

  // Awards of users deleted later: RA drops their rows from the award feed after paging, and PHP
  // then sends the page as an object keyed by the surviving indexes.
  const doomed = tracked.length > 0 ? [0, 1, 2].map((i) => `Fan${String(i).padStart(5, '0')}`) : [];
  for (const name of doomed)
    if (world.findUser(name)) world.grantAward(name, gameIds[0]!, 'mastered', new Date(t0 - 30 * MINUTE));
  at(t0 + 0.1 * options.hours * HOUR, () => {
    for (const name of doomed) if (world.findUser(name)) world.deleteUser(name);
  });

  // The Achievement of the Week changes once.
  at(t0 + options.aotwChangeAfterMs, () => {
    world.aotw = { achievementId: nextAotw, startAt: new Date(t0 + options.aotwChangeAfterMs) };
  });

  // Faults.
  const raFaults: Record<string, number> = {
    '5xx outage minutes': 0,
    '429 with Retry-After': 0,
    timeouts: 0,
  };
  let discordFaults = 0;
  if (options.faults) {
    for (let h = 0; h < options.hours; h++) {
      const base = t0 + h * HOUR;
      at(base + 20 * MINUTE, () =>
        ra.faults.add('*', { type: 'status', status: 503 }, Number.POSITIVE_INFINITY),
      );
      at(base + 22 * MINUTE, () => {
        ra.faults.clear('*');
        raFaults['5xx outage minutes']! += 2;
      });
      for (const half of [5, 35]) {
        at(base + half * MINUTE, () => {
          ra.faults.add('*', { type: 'status', status: 429, retryAfter: 20 }, 1);
          raFaults['429 with Retry-After']!++;
        });
      }
      at(base + 10 * MINUTE, () => {
        discord.faults.add({ method: 'POST', route: /^\/channels\/\d+\/messages$/, status: 502, times: 3 });
        discordFaults += 3;
      });
      at(base + 40 * MINUTE, () => {
        discord.faults.add({
          method: 'POST',
          route: /^\/channels\/\d+\/messages$/,
          status: 429,
          retryAfter: 1,
          times: 2,
        });
        discordFaults += 2;
      });
    }
  }
  // 1% of requests time out (never answered): one `hang` queued per 100 requests that arrived.
  const hangEndpoints: FakeRaEndpoint[] = [
    'GetUserRecentAchievements',
    'GetGameInfoAndUserProgress',
    'GetUsersFollowingMe',
    'GetUsersIFollow',
    'GetRecentGameAwards',
  ];
  let requestsSeen = 0;
  let hangCredit = 0;
  const injectTimeouts = () => {
    if (!options.faults) return;
    const count = ra.requests.count();
    hangCredit += (count - requestsSeen) * 0.01;
    requestsSeen = count;
    while (hangCredit >= 1) {
      hangCredit--;
      ra.faults.add(rand.pick(hangEndpoints), { type: 'hang' }, 1);
      raFaults.timeouts!++;
    }
  };

  // /link proofs: members claim an RA account, then follow it on the site (those who already
  // follow must unfollow first). Spread over the day, none straddling a restart (a pending proof
  // lives in memory: after a restart the member runs /link again, by design) or starting in an RA
  // outage (the claim's lookup fails and says to try again later, by design).
  interface Proof {
    member: FakeMember;
    guildId: string;
    channelId: string;
    user: TrackedUser;
    alreadyFollowing: boolean;
    startAt: number;
    claimedAt: number;
    retries: number;
    unfollowed?: boolean;
    refollowed?: boolean;
    handle?: InteractionHandle;
  }
  const proofs: Proof[] = [];
  const claim = (proof: Proof) => {
    proof.handle = discord.sendSlashCommand({
      guildId: proof.guildId,
      channelId: proof.channelId,
      userId: proof.member.user.id,
      name: 'link',
      options: { user: proof.user.username },
    });
    proof.claimedAt = virtualNow();
  };
  /**
   * What members do on reading their /link reply (a minute after the claim): one told the account
   * already follows unfollows, and follows again once the reply says the bot saw it; one whose /link got no answer within a minute (its acknowledgement was
   * lost), or was told RA isn't answering, runs it again, once (counted in the report).
   */
  const actOnReplies = () => {
    for (const proof of proofs) {
      if (
        !proof.unfollowed &&
        virtualNow() - proof.claimedAt >= MINUTE &&
        (proof.handle?.reply?.content ?? '').includes('already follows')
      ) {
        proof.unfollowed = true;
        world.unfollow(proof.user.ulid);
        world.visit(proof.user.ulid);
      }
      if (
        proof.unfollowed &&
        !proof.refollowed &&
        (proof.handle?.reply?.content ?? '').includes('no longer follows')
      ) {
        proof.refollowed = true;
        world.follow(proof.user.ulid);
        world.visit(proof.user.ulid);
      }
      if (!proof.handle || proof.retries > 0 || virtualNow() - proof.claimedAt < MINUTE) continue;
      const text = proof.handle.reply?.content ?? '';
      if (text === '' || text.includes('try again in a few minutes')) {
        proof.retries++;
        claim(proof);
      }
    }
  };
  const followingUsers = tracked.filter((u) => u.following);
  // Proofs by members whose account is watched by neither list (the bot's own follows would not
  // change what a proof asks, but keep the two figures apart).
  const notFollowing = tracked.filter((u) => !u.following && !u.followedByBot);
  const proofSlots = options.linkProofs;
  for (let i = 0; i < proofSlots; i++) {
    const already = i % 2 === 0 && i / 2 < options.linkProofsAlreadyFollowing;
    const pool = already ? followingUsers : notFollowing;
    const user = pool[(i * 7919) % pool.length]!;
    const g = user.guilds[0]!;
    const guild = guilds[g]!;
    const member = discord.addMember(guild.id, { username: `linker${i}` });
    const proof: Proof = {
      member,
      guildId: guild.id,
      channelId: guild.channelId,
      user,
      alreadyFollowing: already,
      startAt: 0,
      claimedAt: 0,
      retries: 0,
    };
    proofs.push(proof);
    // Hour by hour over the day, from :25 (after the hour's RA outage at :20-:22), two minutes
    // apart: none straddles a restart (restarts come on the hour).
    const hour = Math.floor((i * options.hours) / proofSlots);
    const inHour = i - Math.ceil((hour * proofSlots) / options.hours);
    const start = t0 + hour * HOUR + 25 * MINUTE + inHour * 2 * MINUTE;
    proof.startAt = start;
    at(start, () => claim(proof));
    // An account that already follows: "unfollow, wait until this message says I saw it, then
    // follow it again" (the member reads the reply: see `actOnReplies`).
    if (!already) {
      at(start + 2 * MINUTE, () => {
        world.follow(user.ulid);
        world.visit(user.ulid);
        user.following = true;
      });
    }
  }

  // Commands at a steady rate.
  const commandHandles: InteractionHandle[] = [];
  for (let t = t0 + MINUTE; t < activityEnd; t += options.commandEveryMs) {
    const g = rand.int(0, options.servers - 1);
    const guild = guilds[g]!;
    const member = rand.pick(guild.members);
    const subject = rand.pick(tracked);
    at(t, () =>
      commandHandles.push(
        discord.sendSlashCommand({
          guildId: guild.id,
          channelId: guild.channelId,
          userId: member.user.id,
          name: 'profile',
          options: { user: subject.username },
        }),
      ),
    );
  }
  script.sort((a, b) => a.at - b.at);
  const trackedByUlid = new Map(tracked.map((t) => [t.ulid, t]));
  const followingAtStart = new Set(tracked.filter((u) => u.following).map((u) => u.ulid));
  const followedByBot = new Set(tracked.filter((u) => u.followedByBot).map((u) => u.ulid));

  // ---- run ----------------------------------------------------------------------------------
  const env = {
    DISCORD_TOKEN,
    RA_API_KEY: API_KEY,
    RA_USERNAME: BOT_RA,
    DATABASE_PATH: databasePath,
    DISCORD_API_URL: discord.apiUrl,
    RA_API_URL: ra.url,
    RA_MEDIA_URL: ra.mediaUrl,
    RA_SITE_URL: ra.siteUrl,
    LOG_LEVEL: 'info',
  };
  // The admin registered the slash commands beforehand (`npm run deploy-commands`, in real time):
  // the bot's start then finds them unchanged, as after any restart.
  const deployOut: string[] = [];
  if (
    (await deployCommands(env, (line) => deployOut.push(line), { envFile: join(dataDir, 'none.env') })) !== 0
  )
    throw new Error(`deploy-commands failed: ${deployOut.join(' ')}`);
  const input: BotProcessInput = { virtualStartMs: t0, speed: options.speed, env };
  // SIM_BOT_NODE_FLAGS (opt-in, for finding stalls): extra node flags for the bot's process, e.g.
  // "--cpu-prof --cpu-prof-dir=/tmp/prof" (see bench/README.md, "Finding a stall").
  const extraFlags = (process.env.SIM_BOT_NODE_FLAGS ?? '').split(/\s+/).filter((flag) => flag !== '');
  const child: ChildProcess = fork(BOT_PROCESS, [], {
    execArgv: ['--import', 'tsx', ...extraFlags],
    env: { ...process.env, CHEEVOBOT_SIM_INPUT: JSON.stringify(input) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // node-cron says on the console when it skipped a POLL_CRON tick (more than 1 s late): counted.
  let cronTicksMissed = 0;
  const childOutput: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line.includes('missed execution')) cronTicksMissed++;
        else if (line.trim() !== '' && childOutput.length < 50) {
          childOutput.push(line);
          log(`bot: ${line}`);
        }
      }
    });
  }
  const messages: { type: string; [k: string]: unknown }[] = [];
  const waiters: { type: string; resolve: (m: { type: string; [k: string]: unknown }) => void }[] = [];
  let exited: number | null = null;
  const waitFor = (type: string) =>
    new Promise<{ type: string; [k: string]: unknown }>((resolve, reject) => {
      const found = messages.findIndex((m) => m.type === type);
      if (found >= 0) {
        resolve(messages.splice(found, 1)[0]!);
        return;
      }
      if (exited !== null) reject(new Error(`bot process exited (${exited}) before "${type}"`));
      waiters.push({ type, resolve });
    });
  child.on('message', (raw) => {
    const msg = raw as { type: string; [k: string]: unknown };
    if (msg.type === 'failed') log(`bot process failed: ${String(msg.error)}`);
    const waiter = waiters.findIndex((w) => w.type === msg.type);
    if (waiter >= 0) waiters.splice(waiter, 1)[0]!.resolve(msg);
    else messages.push(msg);
  });
  const exitedPromise = new Promise<number>((resolve) =>
    child.on('exit', (code) => {
      exited = code ?? -1;
      // Nothing more will come: whoever waits for a message hears so.
      for (const waiter of waiters.splice(0)) waiter.resolve({ type: `exit ${exited}` });
      resolve(exited);
    }),
  );
  const early = exitedPromise.then((code) => ({ type: `exit ${code}` }));
  const loaded = await Promise.race([waitFor('loaded'), early]);
  if (loaded.type !== 'loaded') throw new Error(`the bot process did not load (${loaded.type})`);
  clock = { realEpochMs: Date.now(), virtualEpochMs: t0, speed: options.speed };
  child.send({ op: 'start', clock });
  const ready = await Promise.race([waitFor('ready'), early]);
  if (ready.type !== 'ready') throw new Error(`the bot did not start (${ready.type})`);
  log(`bot ready at +${round((virtualNow() - t0) / MINUTE, 1)} virtual min`);

  let lastLanded = 0;
  const allLanded = () => {
    const posted = new Set<string>();
    for (const guild of guilds)
      for (const message of discord.channelMessages(guild.channelId))
        for (const match of JSON.stringify(message.embeds).matchAll(/\/achievement\/(\d+)/g))
          posted.add(`${guild.channelId}|${match[1]}`);
    for (const u of unlocksMade)
      for (const g of trackedByUlid.get(u.ulid)?.guilds ?? [])
        if (!posted.has(`${guilds[g]!.channelId}|${u.achievementId}`)) return false;
    return true;
  };
  let next = 0;
  let restarting: Promise<unknown> = Promise.resolve();
  let nextRestart = t0 + options.restartEveryMs;
  let lastReport = t0;
  await new Promise<void>((resolve) => {
    const step = setInterval(() => {
      const v = virtualNow();
      while (next < script.length && script[next]!.at <= v) {
        const event = script[next++]!;
        try {
          event.run();
        } catch (error) {
          // An interaction while the bot restarts has no gateway to go to: the member tries again
          // a little later (a few virtual seconds), as people do.
          if (!String(error).includes('no client is connected')) throw error;
          const retry = { at: v + 5_000, run: event.run };
          let i = next;
          while (i < script.length && script[i]!.at <= retry.at) i++;
          script.splice(i, 0, retry);
        }
      }
      injectTimeouts();
      actOnReplies();
      if (v >= nextRestart && nextRestart < activityEnd) {
        nextRestart += options.restartEveryMs;
        log(`restart at +${round((v - t0) / HOUR, 2)} h`);
        restarting = restarting.then(() => {
          child.send({ op: 'restart' });
          return waitFor('restarted');
        });
      }
      if (v - lastReport >= HOUR) {
        lastReport = v;
        log(
          `+${round((v - t0) / HOUR, 1)} h: ${unlocksMade.length} unlocks, ${ra.requests.count()} RA requests`,
        );
      }
      // After the day, the run ends as soon as every unlock made is in its channels (by the
      // achievement links the posts carry), or at the end of the grace period.
      if (v >= activityEnd && performance.now() - lastLanded >= 2_000) {
        lastLanded = performance.now();
        if (allLanded()) end = Math.min(end, v);
      }
      if (v >= end || exited !== null) {
        clearInterval(step);
        resolve();
      }
    }, 10);
  });
  await restarting;
  if (exited !== null) throw new Error(`the bot process exited early (${exited}): ${childOutput.join('\n')}`);
  child.send({ op: 'stop' });
  const { stats } = (await waitFor('stats')) as unknown as { stats: BotProcessStats };
  await exitedPromise;
  const realSeconds = (performance.now() - realStarted) / 1000;

  // ---- what users saw -------------------------------------------------------------------------
  const db = new Database(databasePath, { readonly: true });
  const outbox = new Map<
    string,
    { guild_id: string; channel_id: string; ulid: string; kind: string; payload: string }
  >();
  for (const row of db
    .prepare<
      [],
      { guild_id: string; channel_id: string; ulid: string; kind: string; payload: string; nonce: string }
    >('SELECT guild_id, channel_id, ulid, kind, payload, nonce FROM outbox')
    .all())
    outbox.set(String(row.nonce), row);
  const storedTitles = (
    db.prepare('SELECT COUNT(DISTINCT game_id) AS n FROM catalogue_games').get() as { n: number }
  ).n;
  const links = new Map(
    db
      .prepare<[], { discord_user_id: string; ulid: string }>(
        'SELECT discord_user_id, ulid FROM account_links',
      )
      .all()
      .map((r) => [r.discord_user_id, r.ulid]),
  );
  db.close();

  const guildOfChannel = new Map(guilds.map((g, i) => [g.channelId, i]));
  const expected = new Map<string, number>(); // channel|ulid|achievement -> earned at
  for (const u of unlocksMade) {
    const user = trackedByUlid.get(u.ulid);
    for (const g of user?.guilds ?? [])
      expected.set(`${guilds[g]!.channelId}|${u.ulid}|${u.achievementId}`, u.at);
  }
  const seen = new Map<string, number>(); // key -> times posted
  const firstPostedAt = new Map<string, number>();
  let unexpected = 0;
  let awardsPosted = 0;
  const awardPosts = new Map<string, number>(); // channel|ulid|game -> award posts
  let posts = 0;
  const digestsPer: Record<string, number> = {};
  const aotwPer: Record<string, number> = {};
  const perChannel = new Map<string, ChannelFigures>();
  for (const guild of guilds) {
    const figures: ChannelFigures = {
      channelId: guild.channelId,
      made: 0,
      announced: 0,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
    };
    perChannel.set(guild.channelId, figures);
    const lastEarned = new Map<string, number>();
    for (const message of discord.channelMessages(guild.channelId)) {
      posts++;
      const row = message.nonce === undefined ? undefined : outbox.get(String(message.nonce));
      if (!row) {
        unexpected++;
        continue;
      }
      const name = guildName(guildOfChannel.get(guild.channelId)!);
      if (row.kind === 'digest') digestsPer[name] = (digestsPer[name] ?? 0) + 1;
      if (row.kind === 'aotw') aotwPer[name] = (aotwPer[name] ?? 0) + 1;
      const payload = JSON.parse(row.payload) as {
        game?: { id: number };
        achievement?: { id: number };
        achievements?: { id: number }[];
      };
      if (row.kind === 'award') {
        awardsPosted++;
        const key = `${guild.channelId}|${row.ulid}|${payload.game?.id}`;
        awardPosts.set(key, (awardPosts.get(key) ?? 0) + 1);
      }
      const ids =
        payload.achievements?.map((a) => a.id) ?? (payload.achievement ? [payload.achievement.id] : []);
      const postedAt = Date.parse(message.timestamp);
      let disordered = false;
      for (const id of ids) {
        const key = `${guild.channelId}|${row.ulid}|${id}`;
        const earned = expected.get(key);
        if (earned === undefined) {
          unexpected++;
          continue;
        }
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (!firstPostedAt.has(key)) firstPostedAt.set(key, postedAt);
        // Per channel and user: a post never names an unlock earned before one already posted.
        if (earned < (lastEarned.get(row.ulid) ?? Number.NEGATIVE_INFINITY)) disordered = true;
      }
      const latest = Math.max(...ids.map((id) => expected.get(`${guild.channelId}|${row.ulid}|${id}`) ?? 0));
      lastEarned.set(row.ulid, Math.max(lastEarned.get(row.ulid) ?? 0, latest));
      if (disordered) figures.outOfOrder++;
    }
  }
  // Each user's activity reads as RA received them (virtual ms), for the lost samples.
  const activityReads = new Map<string, number[]>();
  for (const r of ra.requests.all()) {
    if (r.endpoint !== 'GetUserRecentAchievements' && r.endpoint !== 'GetAchievementsEarnedBetween') continue;
    const who = world.findUser(r.params.u ?? '')?.ulid ?? r.params.u ?? '';
    const list = activityReads.get(who) ?? [];
    list.push(virtualAt(clock, performance.timeOrigin + r.atMs));
    activityReads.set(who, list);
  }
  const lostSamples: UnlockSample[] = [];
  const duplicateSamples: (UnlockSample & { times: number })[] = [];
  const followerLatencies: number[] = [];
  const followedByBotLatencies: number[] = [];
  const otherLatencies: number[] = [];
  let unpostedAtDayPlus60 = 0;
  let lastPostAt: number | null = null;
  for (const [key, earned] of expected) {
    const [channelId, ulid] = key.split('|') as [string, string];
    const figures = perChannel.get(channelId)!;
    figures.made++;
    const times = seen.get(key) ?? 0;
    const sample = () => {
      const after = (activityReads.get(ulid) ?? []).filter((t) => t >= earned);
      return {
        channelId,
        ulid,
        achievementId: Number(key.split('|')[2]),
        revised: revised.has(Number(key.split('|')[2])),
        follower: followingAtStart.has(ulid),
        followedByBot: followedByBot.has(ulid),
        earnedAfterMin: round((earned - t0) / MINUTE, 1),
        activityReadsAfter: after.length,
        firstActivityReadAfterMin: after.length > 0 ? round((after[0]! - t0) / MINUTE, 1) : null,
      };
    };
    const postedAt = firstPostedAt.get(key);
    if (postedAt === undefined || postedAt > activityEnd + HOUR) unpostedAtDayPlus60++;
    if (postedAt !== undefined) lastPostAt = Math.max(lastPostAt ?? postedAt, postedAt);
    if (times === 0) {
      figures.lost++;
      if (lostSamples.length < 20) lostSamples.push(sample());
    } else if (times > 1 && duplicateSamples.length < 20) duplicateSamples.push({ ...sample(), times });
    else {
      figures.announced++;
      if (times > 1) figures.duplicated += times - 1;
      const latency = (firstPostedAt.get(key)! - earned) / 1000;
      (followingAtStart.has(ulid)
        ? followerLatencies
        : followedByBot.has(ulid)
          ? followedByBotLatencies
          : otherLatencies
      ).push(latency);
      // Every unlock's latency, to see where a tail comes from (CHEEVOBOT_SIM_SAMPLES=file).
      if (process.env.CHEEVOBOT_SIM_SAMPLES) {
        const group = followingAtStart.has(ulid)
          ? 'follower'
          : followedByBot.has(ulid)
            ? 'followed'
            : 'other';
        appendFileSync(
          process.env.CHEEVOBOT_SIM_SAMPLES,
          `${group},${round((earned - t0) / MINUTE, 2)},${round(latency, 1)},${ulid}\n`,
        );
      }
    }
  }
  const channels = [...perChannel.values()];
  const sum = (pick: (c: ChannelFigures) => number) => channels.reduce((n, c) => n + pick(c), 0);
  const stat = (values: number[]) => ({
    n: values.length,
    medianS: round(percentile(values, 50), 1),
    p95S: round(percentile(values, 95), 1),
  });

  // ---- what RA saw ----------------------------------------------------------------------------
  const requests = ra.requests.all().filter((r) => r.endpoint !== 'media');
  const byGroup: Record<string, number> = {};
  for (const r of requests) byGroup[groupOf(r.endpoint)] = (byGroup[groupOf(r.endpoint)] ?? 0) + 1;
  const times = requests.map((r) => virtualAt(clock, performance.timeOrigin + r.atMs)).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 10_000) j++;
    // n starts inside a window are n - 1 gaps: the rate they prove (as bench/latency.ts counts).
    peak = Math.max(peak, i - j);
  }

  // ---- /link proofs and commands --------------------------------------------------------------
  let completed = 0;
  let correct = 0;
  for (const proof of proofs) {
    const text = proof.handle?.reply?.content ?? '';
    if (text.includes('✅ Linked')) completed++;
    if (text.includes('✅ Linked') && links.get(proof.member.user.id) === proof.user.ulid) correct++;
  }
  const answered = commandHandles.filter((h) => h.reply !== undefined && h.reply !== null).length;
  const exactlyOne = (per: Record<string, number>) => Object.values(per).filter((n) => n === 1).length;

  const report: SimReport = {
    options: (({ verbose: _v, dataDir: _d, ...rest }) => rest)(options),
    simulatedHours: round((end - t0) / HOUR, 2),
    realSeconds: round(realSeconds, 1),
    unlocks: {
      made: sum((c) => c.made),
      announced: sum((c) => c.announced),
      lost: sum((c) => c.lost),
      duplicated: sum((c) => c.duplicated),
      outOfOrder: sum((c) => c.outOfOrder),
      unexpected,
      unpostedAtDayPlus60,
      lastPostAfterDayMin: lastPostAt === null ? null : round((lastPostAt - activityEnd) / MINUTE, 1),
      channels: channels.length,
      channelsWithProblems: channels.filter((c) => c.lost + c.duplicated + c.outOfOrder > 0),
      lostSamples,
      duplicateSamples,
    },
    latency: {
      followers: stat(followerLatencies),
      followedByBot: stat(followedByBotLatencies),
      others: stat(otherLatencies),
    },
    awards: {
      posted: awardsPosted,
      lateAwardsMade,
      late: (() => {
        // Tracking started an hour before the day: an award dated earlier is history, never news.
        const counted = lateAwards.filter((a) => a.dated >= t0 - HOUR);
        const posted = (a: (typeof lateAwards)[number]) =>
          (trackedByUlid.get(a.ulid)?.guilds ?? []).every(
            (g) => (awardPosts.get(`${guilds[g]!.channelId}|${a.ulid}|${a.gameId}`) ?? 0) > 0,
          );
        const of = (within: boolean) => {
          const made = counted.filter((a) => a.within === within);
          return { made: made.length, posted: made.filter(posted).length };
        };
        return { withinOverlap: of(true), beyondOverlap: of(false) };
      })(),
    },
    catalogue: {
      titles: new Set(world.allConsoles().flatMap((c) => world.gameList(c.id).map((g) => g.id))).size,
      storedTitles,
      finishedAfterMin:
        stats.catalogueRefreshedAt.length > 0
          ? round((stats.catalogueRefreshedAt[0]! - t0) / MINUTE, 1)
          : null,
    },
    linkProofs: {
      tried: proofs.filter((p) => p.handle).length,
      completed,
      correct,
      retried: proofs.filter((p) => p.retries > 0).length,
      each: proofs.map((p) => ({
        alreadyFollowing: p.alreadyFollowing,
        startedAfterMin: round((p.startAt - t0) / MINUTE, 1),
        retried: p.retries > 0,
        linked: links.get(p.member.user.id) === p.user.ulid,
        reply: (p.handle?.reply?.content ?? '').slice(0, 160),
      })),
    },
    digests: { servers: options.servers, perServer: digestsPer, exactlyOne: exactlyOne(digestsPer) },
    aotw: { servers: options.servers, perServer: aotwPer, exactlyOne: exactlyOne(aotwPer) },
    commands: { sent: commandHandles.length, answered },
    ra: {
      requests: requests.length,
      byGroup,
      shareByGroup: Object.fromEntries(
        Object.entries(byGroup).map(([g, n]) => [g, round((100 * n) / Math.max(1, requests.length), 1)]),
      ),
      peakPer10sWindow: peak,
      peakRps10s: round(peak / 10, 2),
      peakPer10sAtSend: stats.raSendPeakPer10s,
      peakRps10sAtSend: round(stats.raSendPeakPer10s / 10, 2),
      configuredRps: 1,
      faultsInjected: raFaults,
    },
    discord: {
      posts,
      faultsInjected: discordFaults,
      violations: discord.violations.length,
      errors: discord.errors.length,
    },
    bot: { ...stats, cronTicksMissed, output: childOutput },
  };
  await discord.close();
  await ra.close();
  if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  return report;
}
