/**
 * /progress, data to payload: renderProgress + the badge grid on a warm tile cache, for sets of
 * 20, 100 and 400 achievements. (The command end to end is bench/progress-e2e.ts: a separate
 * process, because importing src/render/badges.ts before discord.js breaks Discord uploads;
 * see the README in bench/.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { messagesFor } from '../src/i18n/index.js';
import type { Achievement, GameProgress, UserProfile } from '../src/ra/types.js';
import { createRaUrls } from '../src/ra/urls.js';
import { createBadgeGridRenderer } from '../src/render/badges.js';
import { renderProgress } from '../src/render/progress.js';
import { type Figure, figure, numberOption, prng, ROOT_DIR, report, round, summarize } from './lib.js';

const SECTION = 'progress';
const SIZES = [20, 100, 400];
const ITERATIONS = numberOption('progress-iterations', 200);

// ---------------------------------------------------------------------------------------------
// Realistic badges: RA badges are 64x64 pixel art. A solid colour would compress to nothing and
// flatter the PNG encode, so each stub badge is 8x8-pixel blocks of a 16-colour palette.
// ---------------------------------------------------------------------------------------------

const badgePngs = new Map<string, Promise<Buffer>>();
function badgePng(name: string, locked: boolean): Promise<Buffer> {
  const key = `${name}${locked ? '_lock' : ''}`;
  let png = badgePngs.get(key);
  if (!png) {
    const rand = prng([...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
    const palette = Array.from({ length: 16 }, () => [rand.int(0, 255), rand.int(0, 255), rand.int(0, 255)]);
    const pixels = Buffer.alloc(64 * 64 * 3);
    for (let by = 0; by < 8; by++) {
      for (let bx = 0; bx < 8; bx++) {
        const [r, g, b] = rand.pick(palette) as [number, number, number];
        for (let y = by * 8; y < by * 8 + 8; y++) {
          for (let x = bx * 8; x < bx * 8 + 8; x++) {
            // A little shading inside each block, like real sprite art.
            const shade = ((x + y) % 8) * 3;
            const i = (y * 64 + x) * 3;
            const grey = Math.round((r + g + b) / 3);
            pixels[i] = Math.min(255, (locked ? grey : r) + shade);
            pixels[i + 1] = Math.min(255, (locked ? grey : g) + shade);
            pixels[i + 2] = Math.min(255, (locked ? grey : b) + shade);
          }
        }
      }
    }
    png = sharp(pixels, { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toBuffer();
    badgePngs.set(key, png);
  }
  return png;
}

const stubFetchImage = (url: string): Promise<Buffer> => {
  const match = /\/Badge\/([^/]+?)(_lock)?\.png$/.exec(url);
  return badgePng(match?.[1] ?? url, match?.[2] !== undefined);
};

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

function gameOf(size: number, seed: number): GameProgress {
  const rand = prng(seed);
  const base = Date.UTC(2024, 0, 1);
  const achievements: Achievement[] = Array.from({ length: size }, (_, i) => {
    const earned = rand.next() < 0.45;
    const hardcore = earned && rand.next() < 0.6;
    const at = new Date(base + i * 3_600_000);
    return {
      id: seed * 1000 + i,
      title: `Achievement ${i + 1}: reach the ${['castle', 'tower', 'beach', 'cave'][i % 4]} in style`,
      description: `Finish stage ${i + 1} without losing a life and with all the collectibles found`,
      points: [1, 2, 3, 5, 10, 25, 50][i % 7]!,
      retroPoints: ([1, 2, 3, 5, 10, 25, 50][i % 7]! * 3) as number,
      badgeName: String(seed * 1000 + i).padStart(6, '0'),
      displayOrder: i + 1,
      numAwarded: 1000 - i,
      numAwardedHardcore: 500 - i,
      author: 'BenchDev',
      type: i < 3 ? 'progression' : i === 3 ? 'win_condition' : null,
      earnedAt: earned ? at : null,
      earnedHardcoreAt: hardcore ? at : null,
    };
  });
  return {
    id: seed,
    title: `Benchmark Game with ${size} achievements`,
    consoleId: 3,
    consoleName: 'SNES/Super Famicom',
    imageIcon: '/Images/012345.png',
    imageTitle: '/Images/000002.png',
    imageIngame: '/Images/000002.png',
    imageBoxArt: '/Images/000002.png',
    publisher: 'Bench',
    developer: 'Bench',
    genre: 'Platformer',
    released: '1994-01-01',
    parentGameId: null,
    numDistinctPlayers: 12_345,
    numAchievements: size,
    numAwardedToUser: achievements.filter((a) => a.earnedAt).length,
    numAwardedToUserHardcore: achievements.filter((a) => a.earnedHardcoreAt).length,
    userCompletion: 45,
    userCompletionHardcore: 27,
    highestAwardKind: null,
    highestAwardDate: null,
    achievements,
  };
}

const profile: UserProfile = {
  user: 'BenchPlayer',
  ulid: '01HZZZZZZZ0000000000BENCH0',
  userPic: '/UserPic/BenchPlayer.png',
  totalPoints: 12_000,
  totalSoftcorePoints: 300,
  totalTruePoints: 30_000,
  memberSince: new Date(Date.UTC(2020, 0, 1)),
  richPresenceMsg: '',
  lastGameId: null,
  motto: '',
  untracked: false,
};

async function renderBench(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const urls = createRaUrls({ mediaUrl: 'https://media.example', siteUrl: 'https://ra.example' });
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  for (const size of SIZES) {
    const game = gameOf(size, size);
    // Grid cache off: what a render costs when the grid isn't the one just drawn (another user,
    // a new unlock). The default grid cache only helps an identical re-render.
    const noGridCache = createBadgeGridRenderer({ fetchImage: stubFetchImage, gridCacheSize: 0 });
    const withGridCache = createBadgeGridRenderer({ fetchImage: stubFetchImage });
    await noGridCache.render(game.achievements, urls); // warm the tile cache
    await withGridCache.render(game.achievements, urls);
    const run = async (badges: typeof noGridCache) => {
      const times: number[] = [];
      let pngBytes = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        const started = performance.now();
        const png = await badges.render(game.achievements, urls);
        renderProgress({
          profile,
          game,
          urls,
          now: new Date(),
          invokerId: '123456789012345678',
          badgeGrid: png !== null,
        });
        times.push(performance.now() - started);
        pngBytes = png?.length ?? 0;
      }
      return { times, pngBytes };
    };
    const cold = await run(noGridCache);
    const hit = await run(withGridCache);
    const renderOnly: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const started = performance.now();
      renderProgress({
        profile,
        game,
        urls,
        now: new Date(),
        invokerId: '123456789012345678',
        badgeGrid: true,
      });
      renderOnly.push(performance.now() - started);
    }
    const s = summarize(cold.times);
    const target = size === 100 ? { text: '<= 50 ms', ok: s.p95 <= 50 } : undefined;
    figures.push(
      figure(SECTION, `data -> payload, ${size} achievements, p50 (warm tiles, new grid)`, s.p50, 'ms'),
      figure(
        SECTION,
        `data -> payload, ${size} achievements, p95 (warm tiles, new grid)`,
        s.p95,
        'ms',
        target,
      ),
    );
    details[`set${size}`] = {
      warmTilesNewGrid: s,
      gridCacheHit: summarize(hit.times),
      renderProgressOnly: summarize(renderOnly),
      pngBytes: cold.pngBytes,
      badgesDrawn: Math.min(size, 100),
      tileCache: noGridCache.cacheStats(),
    };
  }
  return { figures, details };
}

/** The commit before the message catalogue (issue 19): its renderProgress is the baseline. */
const BEFORE_I18N = '5103979';

/**
 * renderProgress before the catalogue and now, in this one process, alternating runs so both
 * see the same machine load: now in English (what tests assert) and in German (the longest
 * language). The old code is read out of git into .bench-baseline/ (git-ignored).
 */
async function i18nBench(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const dir = join(ROOT_DIR, '.bench-baseline');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', BEFORE_I18N, 'src'], {
    cwd: ROOT_DIR,
    maxBuffer: 64 * 2 ** 20,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const before = (await import(pathToFileURL(join(dir, 'src/render/progress.ts')).href)) as {
    renderProgress: typeof renderProgress;
  };
  const urls = createRaUrls({ mediaUrl: 'https://media.example', siteUrl: 'https://ra.example' });
  const german = messagesFor('de');
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  for (const size of SIZES) {
    const game = gameOf(size, 50 + size);
    const input = { profile, game, urls, now: new Date(), invokerId: '123456789012345678', badgeGrid: true };
    const times = { before: [] as number[], english: [] as number[], german: [] as number[] };
    const runs = [
      ['before', () => before.renderProgress(input)],
      ['english', () => renderProgress(input)],
      ['german', () => renderProgress({ ...input, messages: german })],
    ] as const;
    for (let i = 0; i < ITERATIONS * 10; i++) {
      const warm = i < ITERATIONS * 2; // the first fifth warms the JIT and is not counted
      // Each round starts with another variant, so none always runs right after a GC-heavy one.
      for (let k = 0; k < runs.length; k++) {
        const [name, run] = runs[(i + k) % runs.length]!;
        const started = performance.now();
        run();
        if (!warm) times[name].push(performance.now() - started);
      }
    }
    const b = summarize(times.before);
    const e = summarize(times.english);
    const g = summarize(times.german);
    const within = (p95: number) => ({
      text: `<= ${round(b.p95 * 1.1, 3)} ms (before +10%)`,
      ok: p95 <= b.p95 * 1.1,
    });
    figures.push(
      figure(SECTION, `renderProgress only, ${size} achievements, p50 before the catalogue`, b.p50, 'ms'),
      figure(SECTION, `renderProgress only, ${size} achievements, p50 now (English)`, e.p50, 'ms'),
      figure(SECTION, `renderProgress only, ${size} achievements, p95 before the catalogue`, b.p95, 'ms'),
      figure(
        SECTION,
        `renderProgress only, ${size} achievements, p95 now (English)`,
        e.p95,
        'ms',
        within(e.p95),
      ),
      figure(
        SECTION,
        `renderProgress only, ${size} achievements, p95 now (German)`,
        g.p95,
        'ms',
        within(g.p95),
      ),
    );
    details[`set${size}`] = { before: b, english: e, german: g };
  }
  rmSync(dir, { recursive: true, force: true });
  return { figures, details };
}

async function main(): Promise<void> {
  const render = await renderBench();
  const i18n = await i18nBench();
  report({
    section: SECTION,
    figures: [...render.figures, ...i18n.figures],
    details: {
      iterations: ITERATIONS,
      render: render.details,
      renderBeforeAndAfterCatalogue: i18n.details,
      rssMb: round(process.memoryUsage.rss() / 2 ** 20, 1),
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
