/**
 * `npm run bench -- --only loop-turns`: synchronous work the bot does in one event-loop turn at
 * the simulated day's size (5,000 tracked users in 500 servers, 20% in two), the turns the
 * simulation's CPU profiles named (bench/README.md, "Finding a stall"):
 * - listPollTargets: read on every POLL_CRON tick (twice: the schedule and the award feed) and
 *   on the schedule's minute refresh;
 * - both follow lists' tracked-follower counts: asked before every list read the watcher plans;
 * - the community tick's digest check (dueDigest for every server with a digest, every minute);
 * - queueing 500 digests due at the same slot: the longest single turn (DIGESTS_PER_TURN each).
 * File database in WAL mode, as the bot opens it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { queueDueDigests } from '../src/community/digest.js';
import { dueDigest, latestSlot } from '../src/community/digest-schedule.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/index.js';
import { figure, numberOption, report, summarize } from './lib.js';

const SECTION = 'loop-turns';
const USERS = numberOption('loop-users', 5000);
const SERVERS = numberOption('loop-servers', 500);
const ITERATIONS = numberOption('loop-iterations', 50);
const WEEK = 7 * 24 * 3_600_000;
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];

function timed(fn: () => unknown, iterations = ITERATIONS): number[] {
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return times;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cheevobot-loop-'));
  const store = new Store(openDatabase(join(dir, 'bot.db')));
  const now = new Date('2026-12-08T18:30:00Z');
  const ulid = (i: number) => `01H${String(i).padStart(23, '0')}`;
  const guild = (i: number) => String(1_000_000 + (i % SERVERS));
  for (let i = 0; i < USERS; i++) {
    const user = {
      ulid: ulid(i),
      displayName: `Player${i}`,
      userPic: `/UserPic/Player${i}.png`,
      addedBy: '1',
    };
    store.trackUser({ ...user, guildId: guild(i), now, channelId: i % 3 === 0 ? `c${i}` : null });
    if (i % 5 === 0) store.trackUser({ ...user, guildId: guild(i + 7), now });
    if (i % 10 !== 0) store.recordPollSuccess(ulid(i), new Date(now.getTime() - i * 1000));
  }
  for (let g = 0; g < SERVERS; g++) store.updateGuildSettings(guild(g), { defaultChannelId: `d${g}` }, now);

  const targets = summarize(timed(() => store.listPollTargets()));

  // Both lists' tracked-follower counts, as the follower watcher asks before each read it plans:
  // 10,000 followers (half of them tracked users), 1,000 followed (tracked users too).
  const follower = (ulid: string, i: number) => ({
    ulid,
    displayName: `F${i}`,
    hardcorePoints: i,
    softcorePoints: 0,
  });
  const followers = Array.from({ length: 10_000 }, (_, i) =>
    follower(i % 2 === 0 ? ulid(i) : `01Z${String(i).padStart(23, '0')}`, i),
  );
  for (let i = 0; i < followers.length; i += 500) store.followers.record(followers.slice(i, i + 500), now);
  store.following.record(
    Array.from({ length: 1000 }, (_, i) => follower(ulid(2 * i + 1), i)),
    now,
  );
  const counts = summarize(
    timed(() => store.followers.countTrackedFollowers() + store.following.countTrackedFollowers()),
  );

  // Digest check: servers on assorted schedules, none due (the usual minute).
  const schedules = Array.from({ length: SERVERS }, (_, g) => ({
    slot: { weekday: g % 7, hour: g % 24, timeZone: ZONES[g % ZONES.length]! },
    last: null as number | null,
  }));
  for (const s of schedules) s.last = latestSlot(s.slot, now.getTime());
  let minute = now.getTime();
  const check = () => {
    minute += 60_000;
    for (const s of schedules) dueDigest(s.slot, s.last, minute);
  };
  const digestCheck = summarize(timed(check));

  // 500 servers due at the same slot: the longest turn while they are queued.
  const slot = { weekday: 2, hour: 18, timeZone: 'UTC' };
  const lastPeriod = latestSlot(slot, now.getTime()) - WEEK;
  for (let g = 0; g < SERVERS; g++)
    store.community.setDigest(guild(g), { ...slot, channelId: `d${g}` }, lastPeriod, now);
  const turns: number[] = [];
  let turnStarted = performance.now();
  let running = true;
  const watch = (async () => {
    while (running) {
      await yieldToEventLoop();
      const at = performance.now();
      turns.push(at - turnStarted);
      turnStarted = at;
    }
  })();
  const started = performance.now();
  const queued = await queueDueDigests(store, now, () => undefined);
  const queueMs = performance.now() - started;
  running = false;
  await watch;

  store.close();
  rmSync(dir, { recursive: true, force: true });
  report({
    section: SECTION,
    figures: [
      figure(SECTION, `listPollTargets, ${USERS} users in ${SERVERS} servers, p50`, targets.p50, 'ms'),
      figure(
        SECTION,
        'tracked-follower counts of both lists (asked before every list read), p50',
        counts.p50 * 1000,
        'µs',
      ),
      figure(SECTION, `community tick's digest check, ${SERVERS} servers, p50`, digestCheck.p50, 'ms'),
      figure(
        SECTION,
        `queueing ${SERVERS} digests due at one slot: longest event-loop turn`,
        Math.max(...turns),
        'ms',
        { text: '<= 50 ms', ok: Math.max(...turns) <= 50 },
        `${queued} queued in ${Math.round(queueMs)} ms, ${turns.length} turns`,
      ),
    ],
    details: {
      users: USERS,
      servers: SERVERS,
      listPollTargets: targets,
      digestCheck,
      queued,
      queueMs,
      turns,
    },
  });
}

void main();
