/**
 * Store: detect + persist of one game (the poller's per-game work minus RA) against ~100,000
 * stored earned rows, on a file database in WAL mode; the database size per 1,000 tracked users;
 * and two prototypes of batching the poller's per-user bookkeeping (bench-only SQL, read as
 * recommendations for src/store and src/tracking).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription } from '../src/domain/announcements.js';
import type { EarnedTimes } from '../src/domain/detection.js';
import type { Achievement, GameProgress } from '../src/ra/types.js';
import { openDatabase, Store } from '../src/store/index.js';
import { detectGameChanges, planFanOut } from '../src/tracking/detect.js';
import { type Figure, figure, numberOption, prng, report, round, summarize } from './lib.js';

const SECTION = 'store';
/** Assumed earned history: each tracked user ~50 games x ~30 earned achievements. */
const GAMES_PER_USER = numberOption('games-per-user', 50);
const EARNED_PER_GAME = numberOption('earned-per-game', 30);
const SET_SIZE = 60;
const TARGET_ROWS = numberOption('earned-rows', 100_000);
const ITERATIONS = numberOption('store-iterations', 2000);
const FULL_USERS = numberOption('full-users', 1000);
const GUILD = '300000000000000001';
const CHANNEL = '400000000000000001';

function achievementsOf(gameId: number): Achievement[] {
  return Array.from({ length: SET_SIZE }, (_, i) => ({
    id: gameId * 100 + i,
    title: `Achievement ${i + 1} of game ${gameId}`,
    description: 'Finish the stage without losing a life',
    points: 5,
    retroPoints: 12,
    badgeName: String(gameId * 100 + i).padStart(6, '0'),
    displayOrder: i + 1,
    numAwarded: 100,
    numAwardedHardcore: 50,
    author: 'BenchDev',
    type: null,
    earnedAt: null,
    earnedHardcoreAt: null,
  }));
}

function progressOf(gameId: number, earned: number, base: number): GameProgress {
  const achievements = achievementsOf(gameId).map((a, i) =>
    i < earned
      ? { ...a, earnedAt: new Date(base + i * 60_000), earnedHardcoreAt: new Date(base + i * 60_000) }
      : a,
  );
  return {
    id: gameId,
    title: `Game ${gameId}`,
    consoleId: 3,
    consoleName: 'SNES',
    imageIcon: '/Images/000001.png',
    imageTitle: '/Images/000002.png',
    imageIngame: '/Images/000002.png',
    imageBoxArt: '/Images/000002.png',
    publisher: '',
    developer: '',
    genre: '',
    released: null,
    parentGameId: null,
    numDistinctPlayers: 1000,
    numAchievements: SET_SIZE,
    numAwardedToUser: earned,
    numAwardedToUserHardcore: earned,
    userCompletion: 0,
    userCompletionHardcore: 0,
    highestAwardKind: null,
    highestAwardDate: null,
    achievements,
  };
}

function fileSizes(path: string): { db: number; wal: number } {
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  return { db: size(path), wal: size(`${path}-wal`) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cheevobot-bench-store-'));
  const path = join(dir, 'bot.sqlite');
  const store = new Store(openDatabase(path));
  const rand = prng(7);
  const trackedAt = Date.UTC(2024, 0, 1);
  store.updateGuildSettings(GUILD, { defaultChannelId: CHANNEL }, trackedAt);

  // --- history: users x 50 games x 30 earned, written as the poller writes it ------------------
  const users = Math.ceil(TARGET_ROWS / (GAMES_PER_USER * EARNED_PER_GAME));
  const ulids: string[] = [];
  const earnedCount = new Map<string, number>();
  const seedUsers = (from: number, to: number) => {
    for (let u = from; u < to; u++) {
      const ulid = `01HZZZZZZZ${String(u).padStart(16, '0')}`;
      ulids.push(ulid);
      store.trackUser({
        guildId: GUILD,
        ulid,
        displayName: `Player${u}`,
        userPic: `/UserPic/Player${u}.png`,
        addedBy: '500000000000000000',
        now: trackedAt,
      });
      for (let g = 0; g < GAMES_PER_USER; g++) {
        const gameId = 1000 + ((u * 7 + g * 13) % 2000);
        if (earnedCount.has(`${ulid}:${gameId}`)) continue;
        const earned = new Map<number, EarnedTimes>();
        for (let i = 0; i < EARNED_PER_GAME; i++) {
          const at = trackedAt - 86_400_000 + i * 60_000;
          earned.set(gameId * 100 + i, { softcoreAt: at, hardcoreAt: at });
        }
        store.applyGameDetection({
          ulid,
          gameId,
          detection: {
            unlocks: [],
            award: null,
            nextState: { earned, highestAward: null },
            awardLikelyPending: false,
          },
          rows: [],
          now: trackedAt,
        });
        earnedCount.set(`${ulid}:${gameId}`, EARNED_PER_GAME);
      }
    }
  };
  const seedStarted = performance.now();
  seedUsers(0, users);
  const seedMs = performance.now() - seedStarted;
  const earnedRows = (store.db.prepare('SELECT count(*) AS n FROM earned').get() as { n: number }).n;
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const historyBytes = fileSizes(path).db;

  // --- detect + persist one game: one new unlock, announced to one guild ----------------------
  const subscriptions: Subscription[] = [
    {
      guildId: GUILD,
      channelId: CHANNEL,
      trackedSince: trackedAt,
      toggles: { announceUnlocks: true, announceAwards: true, announceSoftcore: true },
    },
  ];
  let outboxRows = 0;
  const measure = (iterations: number) => {
    const total: number[] = [];
    const applyOnly: number[] = [];
    const readOnly: number[] = [];
    const pairs = [...earnedCount.keys()];
    for (let i = 0; i < iterations; i++) {
      const key = rand.pick(pairs);
      const n = earnedCount.get(key)!;
      if (n >= SET_SIZE) continue;
      const [ulid, game] = key.split(':') as [string, string];
      const gameId = Number(game);
      const progress = progressOf(gameId, n + 1, trackedAt + 3_600_000);
      const now = new Date(trackedAt + 7_200_000 + i * 1000);
      const started = performance.now();
      const stored = store.getGameState(ulid, gameId);
      const read = performance.now();
      const detection = detectGameChanges(stored, progress, now);
      const rows = planFanOut({
        detection,
        user: { ulid, displayName: 'Player', userPic: '/UserPic/Player.png' },
        game: progress,
        subscriptions,
        collapseThreshold: 3,
      });
      const applyStarted = performance.now();
      store.applyGameDetection({ ulid, gameId, detection, rows, now });
      const done = performance.now();
      total.push(done - started);
      applyOnly.push(done - applyStarted);
      readOnly.push(read - started);
      outboxRows += rows.length;
      earnedCount.set(key, n + 1);
    }
    return { total, applyOnly, readOnly };
  };
  const { total, applyOnly, readOnly } = measure(ITERATIONS);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const afterBytes = fileSizes(path).db;
  const outboxBytesPerRow = outboxRows > 0 ? (afterBytes - historyBytes) / outboxRows : 0;

  // Per-table sizes (dbstat), when this SQLite build has it.
  let tables: Record<string, number> = {};
  try {
    const rows = store.db
      .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
      .all() as { name: string; bytes: number }[];
    tables = Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
  } catch {
    tables = {};
  }

  // --- full size: 1,000 tracked users, then detect + persist again at that size --------------
  const fullStarted = performance.now();
  seedUsers(users, FULL_USERS);
  const fullSeedMs = performance.now() - fullStarted;
  const fullRows = (store.db.prepare('SELECT count(*) AS n FROM earned').get() as { n: number }).n;
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const fullFileBytes = fileSizes(path).db;
  // The outbox rows the first measurement queued are not history: leave them out.
  const outboxNow = (
    store.db
      .prepare(
        "SELECT coalesce(sum(pgsize), 0) AS bytes FROM dbstat WHERE name IN ('outbox', 'sqlite_autoindex_outbox_1', 'outbox_pending_due')",
      )
      .get() as { bytes: number }
  ).bytes;
  const fullBytes = fullFileBytes - outboxNow;
  const atFullSize = measure(ITERATIONS);

  // --- prototypes: the poller's two per-user statements, one by one vs batched ----------------
  const pollAt = trackedAt + 10_000_000;
  let started = performance.now();
  for (const ulid of ulids) store.recordPollSuccess(ulid, pollAt);
  const successEachMs = (performance.now() - started) / ulids.length;
  started = performance.now();
  store.db.transaction(() => {
    for (const ulid of ulids) store.recordPollSuccess(ulid, pollAt + 1);
  })();
  const successBatchedMs = (performance.now() - started) / ulids.length;
  started = performance.now();
  for (const ulid of ulids) store.gamesNeedingRecheck(ulid);
  const recheckEachMs = (performance.now() - started) / ulids.length;
  started = performance.now();
  store.db
    .prepare(
      'SELECT u.ulid, s.game_id FROM game_state s JOIN ra_users u ON u.id = s.user_id WHERE s.recheck_remaining > 0',
    )
    .all();
  const recheckAllOnceMs = performance.now() - started;

  store.close();
  rmSync(dir, { recursive: true, force: true });

  const perUserBytes = historyBytes / users;
  const per1000Mb = ((fullBytes / FULL_USERS) * 1000) / 2 ** 20;
  const t = summarize(total);
  const full = summarize(atFullSize.total);
  const figures: Figure[] = [
    figure(SECTION, `detect + persist one game vs ${earnedRows} earned rows, p50`, t.p50, 'ms'),
    figure(SECTION, `detect + persist one game vs ${earnedRows} earned rows, p95`, t.p95, 'ms', {
      text: '<= 1 ms',
      ok: t.p95 <= 1,
    }),
    figure(
      SECTION,
      `detect + persist one game vs ${fullRows} earned rows (1,000 users), p95`,
      full.p95,
      'ms',
    ),
    figure(
      SECTION,
      'database size per 1,000 tracked users',
      per1000Mb,
      'MB',
      undefined,
      `${GAMES_PER_USER} games x ${EARNED_PER_GAME} earned each; outbox extra ~${Math.round(outboxBytesPerRow)} B per kept announcement`,
    ),
  ];
  report({
    section: SECTION,
    figures,
    details: {
      assumptions: {
        gamesPerUser: GAMES_PER_USER,
        earnedPerGame: EARNED_PER_GAME,
        users,
        setSize: SET_SIZE,
        journal: 'WAL, synchronous=NORMAL (openDatabase)',
      },
      earnedRows,
      seedMs: round(seedMs, 0),
      seedRowsPerSecond: round(earnedRows / (seedMs / 1000), 0),
      detectAndPersist: t,
      applyGameDetectionOnly: summarize(applyOnly),
      getGameStateOnly: summarize(readOnly),
      historyBytes,
      fullSize: {
        users: FULL_USERS,
        earnedRows: fullRows,
        bytes: fullBytes,
        fileBytesWithOutbox: fullFileBytes,
        seedMs: round(fullSeedMs, 0),
        detectAndPersist: full,
        applyGameDetectionOnly: summarize(atFullSize.applyOnly),
      },
      bytesPerUser: round(perUserBytes, 0),
      bytesPerEarnedRow: round(historyBytes / earnedRows, 1),
      outboxBytesPerRow: round(outboxBytesPerRow, 0),
      tables,
      prototypes: {
        recordPollSuccessEachMs: round(successEachMs, 4),
        recordPollSuccessInOneTransactionMs: round(successBatchedMs, 4),
        gamesNeedingRecheckEachMs: round(recheckEachMs, 4),
        gamesNeedingRecheckAllUsersOneQueryMs: round(recheckAllOnceMs, 3),
        users: ulids.length,
      },
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
