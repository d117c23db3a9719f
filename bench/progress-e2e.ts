/**
 * /progress end to end: the real command through the real discord.js client (startBot, as the
 * e2e tests run it) against the fake Discord, with the fake RA answering API calls and badge
 * downloads after 80 ms. Measured from the interaction being sent to the reply being visible.
 *
 * Its own process, so its figures stay apart from the other sections (see bench/README.md).
 */

import { createLogger } from '../src/log.js';
import { DEFAULT_BADGE_CONCURRENCY } from '../src/render/badges.js';
import { startHarness } from '../test/e2e/harness.js';
import { FakeWorld } from '../test/fakes/ra/index.js';
import { type Figure, figure, numberOption, report, summarize } from './lib.js';

const SECTION = 'progress';
const E2E_RUNS = numberOption('progress-e2e-runs', 15);
const LATENCY_MS = numberOption('latency', 80);
const E2E_RPS = 100; // the e2e harness's RA_REQUESTS_PER_SECOND

async function e2eBench(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const world = new FakeWorld();
  const user = world.addUser({ username: 'BenchPlayer' });
  let nextAchievement = 1_000_000;
  const gameIds: number[] = [];
  for (let g = 0; g < E2E_RUNS + 1; g++) {
    const id = 7000 + g;
    world.addGame({
      id,
      title: `E2E Game ${id}`,
      achievements: Array.from({ length: 100 }, () => ({ id: nextAchievement++ })),
    });
    const game = world.game(id);
    let k = 0;
    for (const achievementId of game.achievements.keys()) {
      if (k++ % 2 === 0)
        world.unlock(user.ulid, achievementId, { hardcore: true, at: new Date(Date.UTC(2024, 0, 1, 0, k)) });
    }
    gameIds.push(id);
  }
  const logs: string[] = [];
  const h = await startHarness({
    world,
    env: { LOG_LEVEL: 'info' },
    logger: createLogger({ level: 'warn', destination: { write: (line) => logs.push(line) } }),
  });
  try {
    h.ra.latencyMs = LATENCY_MS;
    // Badge downloads see the same latency as the API (the fake serves media instantly otherwise).
    h.ra.faults.add('media', { type: 'delay', ms: LATENCY_MS }, Number.POSITIVE_INFINITY);
    const run = async (gameId: number) => {
      const started = performance.now();
      const handle = h.discord.sendSlashCommand({
        guildId: h.guild.id,
        channelId: h.channel.id,
        userId: h.member.user.id,
        name: 'progress',
        options: { user: 'BenchPlayer', game: String(gameId) },
      });
      await handle.waitFor((x) => x.reply !== undefined || x.followUps.length > 0, 20_000);
      const reply = handle.reply;
      if (!reply) {
        throw new Error(
          `/progress failed: ${JSON.stringify(handle.followUps[0]?.content ?? handle.followUps[0])}`,
        );
      }
      const ms = performance.now() - started;
      if (!reply.embeds?.length) throw new Error('progress reply without an embed');
      return { ms, attachments: reply.attachments?.length ?? 0 };
    };
    await run(gameIds[E2E_RUNS]!); // connections and JIT warm-up
    const cold: number[] = [];
    const warm: number[] = [];
    let withGrid = 0;
    for (let i = 0; i < E2E_RUNS; i++) {
      const first = await run(gameIds[i]!); // badges never fetched: 100 downloads
      cold.push(first.ms);
      const again = await run(gameIds[i]!); // same game again: tiles (and the grid) cached
      warm.push(again.ms);
      if (first.attachments > 0 && again.attachments > 0) withGrid++;
    }
    const raFloor = LATENCY_MS + 1000 / E2E_RPS; // profile ‖ progress: one round trip + one rate-limit gap
    // 100 badges, DEFAULT_BADGE_CONCURRENCY at a time.
    const badgeFloor = Math.ceil(100 / DEFAULT_BADGE_CONCURRENCY) * LATENCY_MS;
    const w = summarize(warm);
    const c = summarize(cold);
    return {
      figures: [
        figure(
          SECTION,
          '/progress end to end, warm badges, p50',
          w.p50,
          'ms',
          undefined,
          `floor ${raFloor} ms`,
        ),
        figure(SECTION, '/progress end to end, warm badges, p50 / floor', w.p50 / raFloor, 'x'),
        figure(
          SECTION,
          '/progress end to end, cold badges, p50',
          c.p50,
          'ms',
          undefined,
          `floor ${raFloor + badgeFloor} ms`,
        ),
        figure(
          SECTION,
          '/progress end to end, cold badges, p50 / floor',
          c.p50 / (raFloor + badgeFloor),
          'x',
        ),
      ],
      details: {
        latencyMs: LATENCY_MS,
        mediaLatencyMs: LATENCY_MS,
        runs: E2E_RUNS,
        warm: w,
        cold: c,
        floorWarmMs: raFloor,
        floorColdMs: raFloor + badgeFloor,
        repliesWithGrid: withGrid,
        violations: h.discord.violations.length,
      },
    };
  } catch (error) {
    process.stderr.write(`${logs.slice(-5).join('')}\n`);
    throw error;
  } finally {
    await h.stop();
  }
}

async function main(): Promise<void> {
  const e2e = await e2eBench();
  report({ section: SECTION, figures: e2e.figures, details: { e2e: e2e.details } });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
