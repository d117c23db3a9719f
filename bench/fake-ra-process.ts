/**
 * The fake RA in its own process, so the CPU it spends building responses is not counted as
 * the bot's. Scripted over IPC by bench/poll-cycle.ts:
 *
 *   setup { users, games, seed }        -> users and their (backdated) earned history
 *   activity { fraction, seed }         -> unlocks "now" for a fraction of the users
 *   requests                            -> API requests since the last call, by user; clears the log
 *   cpu                                 -> this process's CPU time (for the record)
 *   close
 */
import { type FakeRa, FakeWorld, startFakeRa } from '../test/fakes/ra/index.js';
import { numberOption, prng } from './lib.js';

const API_KEY = process.env.BENCH_RA_KEY ?? 'BenchRaKey0123456789';
const DAY_MS = 86_400_000;

interface HistoryGame {
  ulid: string;
  gameId: number;
  /** [achievementId, softcoreMs, hardcoreMs | null] */
  earned: [number, number, number | null][];
  highestAward: string | null;
}

interface ActiveUser {
  ulid: string;
  games: number[];
  unlocks: number;
}

let ra: FakeRa;
const userUlids: string[] = [];
/** ulid -> games the user has progress in */
const playedGames = new Map<string, Set<number>>();
let gameIds: number[] = [];

/** Achievement titles and descriptions of realistic length (RA's are ~20 and ~60 chars). */
function words(rand: ReturnType<typeof prng>, count: number): string {
  const pool = ['Collect', 'the', 'golden', 'ring', 'without', 'taking', 'damage', 'in', 'Zone', 'Act'];
  return Array.from({ length: count }, () => rand.pick(pool)).join(' ');
}

function setup(args: { users: number; games: number; seed: number }): {
  users: { ulid: string; username: string; userPic: string }[];
  history: HistoryGame[];
} {
  const rand = prng(args.seed);
  const world = ra.world;
  let achievementId = 100_000;
  gameIds = [];
  for (let g = 0; g < args.games; g++) {
    const id = 1000 + g;
    // Most sets have 20-60 achievements; some are large.
    const size = rand.next() < 0.1 ? rand.int(80, 150) : rand.int(10, 60);
    const typed = rand.next() < 0.2;
    world.addGame({
      id,
      title: `Bench Game ${id}: ${words(rand, 3)}`,
      consoleName: 'SNES/Super Famicom',
      achievements: Array.from({ length: size }, (_, i) => ({
        id: achievementId++,
        title: words(rand, 3),
        description: words(rand, 9),
        points: rand.pick([1, 2, 3, 5, 5, 10, 10, 25, 50]),
        type:
          typed && i < 5 ? ('progression' as const) : typed && i === 5 ? ('win_condition' as const) : null,
      })),
    });
    gameIds.push(id);
  }

  const users: { ulid: string; username: string; userPic: string }[] = [];
  const history: HistoryGame[] = [];
  const now = Date.now();
  for (let u = 0; u < args.users; u++) {
    const username = `Player${String(u).padStart(5, '0')}`;
    const user = world.addUser({ username });
    userUlids.push(user.ulid);
    users.push({ ulid: user.ulid, username: user.displayName, userPic: user.userPic });
    const played = new Set<number>();
    playedGames.set(user.ulid, played);
    // A few games in progress, unlocked weeks to months ago (before tracking started).
    const gamesInProgress = rand.int(2, 6);
    for (let k = 0; k < gamesInProgress; k++) {
      const gameId = rand.pick(gameIds);
      if (played.has(gameId)) continue;
      played.add(gameId);
      const game = world.game(gameId);
      const ids = [...game.achievements.keys()];
      const earnedCount = Math.floor(ids.length * (0.2 + rand.next() * 0.5));
      let at = now - rand.int(30, 365) * DAY_MS;
      for (const id of ids.slice(0, earnedCount)) {
        at += rand.int(60, 3600) * 1000;
        world.unlock(user.ulid, id, { hardcore: rand.next() < 0.6, at: new Date(at) });
      }
      history.push({
        ulid: user.ulid,
        gameId,
        earned: world
          .unlocksOf(user.ulid, gameId)
          .map((x) => [x.achievementId, x.softcoreAt.getTime(), x.hardcoreAt?.getTime() ?? null]),
        highestAward: world.highestAward(user.ulid, gameId)?.kind ?? null,
      });
    }
  }
  return { users, history };
}

/** A fraction of the users earn 1-10 achievements "now", spread over 1-2 games. */
function activity(args: { fraction: number; seed: number }): { active: ActiveUser[] } {
  const rand = prng(args.seed);
  const world = ra.world;
  const count = Math.round(userUlids.length * args.fraction);
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(rand.pick(userUlids));
  const active: ActiveUser[] = [];
  const now = Date.now();
  for (const ulid of chosen) {
    const unlocks = rand.int(1, 10);
    const gameCount = unlocks === 1 ? 1 : rand.int(1, 2);
    const played = playedGames.get(ulid)!;
    const games: number[] = [];
    while (games.length < gameCount) {
      // Mostly a game already in progress; sometimes a new one.
      const candidates = [...played].filter((g) => !games.includes(g));
      const gameId = candidates.length > 0 && rand.next() < 0.7 ? rand.pick(candidates) : rand.pick(gameIds);
      const locked = [...world.game(gameId).achievements.keys()].filter((id) => !world.unlockOf(ulid, id));
      if (locked.length === 0 || games.includes(gameId)) continue;
      games.push(gameId);
      played.add(gameId);
    }
    let done = 0;
    for (let i = 0; i < unlocks; i++) {
      const gameId = games[i % games.length]!;
      const locked = [...world.game(gameId).achievements.keys()].filter((id) => !world.unlockOf(ulid, id));
      if (locked.length === 0) continue;
      // Within the last few seconds: after every guild's trackedSince, inside the recent window.
      world.unlock(ulid, locked[0]!, { hardcore: rand.next() < 0.7, at: new Date(now - rand.int(0, 3000)) });
      done++;
    }
    active.push({ ulid, games, unlocks: done });
  }
  return { active };
}

function requests(): { byUser: Record<string, number>; byEndpoint: Record<string, number>; total: number } {
  const byUser: Record<string, number> = {};
  const byEndpoint: Record<string, number> = {};
  let total = 0;
  for (const r of ra.requests.all()) {
    if (r.endpoint === 'media') continue;
    total++;
    byEndpoint[r.endpoint] = (byEndpoint[r.endpoint] ?? 0) + 1;
    const u = r.params.u?.toUpperCase();
    if (u) byUser[u] = (byUser[u] ?? 0) + 1;
  }
  ra.requests.clear();
  return { byUser, byEndpoint, total };
}

const ops: Record<string, (args: never) => unknown> = {
  setup,
  activity,
  requests,
  cpu: () => process.cpuUsage(),
  setLatency: (args: { ms: number }) => {
    ra.latencyMs = args.ms;
    return ra.latencyMs;
  },
  close: async () => {
    await ra.close();
    setImmediate(() => process.exit(0));
    return true;
  },
};

async function main(): Promise<void> {
  ra = await startFakeRa({ apiKey: API_KEY, latencyMs: numberOption('latency', 80), world: new FakeWorld() });
  process.on('message', (raw) => {
    const msg = raw as { id: number; op: string; args?: unknown };
    const op = ops[msg.op];
    Promise.resolve()
      .then(() => {
        if (!op) throw new Error(`unknown op ${msg.op}`);
        return op(msg.args as never);
      })
      .then(
        (value) => process.send!({ id: msg.id, ok: true, value }),
        (error: unknown) => process.send!({ id: msg.id, ok: false, error: String(error) }),
      );
  });
  // If the parent dies, don't linger.
  process.on('disconnect', () => process.exit(0));
  process.send!({
    type: 'ready',
    value: { url: ra.url, mediaUrl: ra.mediaUrl, siteUrl: ra.siteUrl, apiKey: API_KEY },
  });
}

void main();
