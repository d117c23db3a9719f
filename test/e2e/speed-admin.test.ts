/** What admins are told about announcement speed: who is watched and how, latency, polling. */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/doctor.js';
import { DISCORD_TOKEN, type Harness, RA_KEY } from './harness.js';
import { addGame, embedText, startTracking, track } from './tracking-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  if (h) expect(h.discord.violations).toEqual([]);
  await h?.stop();
  h = undefined;
});

async function setUp() {
  const s = await startTracking({
    env: { RA_USERNAME: 'CheevoBot', POLL_CRON: '* * * * * *' },
    overrides: { followers: { firstPageEveryMs: 300, otherPagesEveryMs: 1_200 } },
  });
  h = s.h;
  s.world.addUser({ username: 'CheevoBot' });
  s.world.addUser({ username: 'Fan' });
  s.world.addUser({ username: 'Loner' });
  s.world.addUser({ username: 'Amy' });
  s.world.follow('Fan');
  s.world.botFollow('Amy'); // an admin followed Amy from the bot's RA account
  const end = Date.now() + 10_000;
  while ((h.bot.followers!.count ?? 0) < 1 || (h.bot.following!.count ?? 0) < 1) {
    if (Date.now() > end) throw new Error('the two lists were never read');
    await sleep(20);
  }
  return s;
}

describe('admin info about speed', () => {
  it('/track add says whether the user is watched and why, and the two ways to get there', async () => {
    await setUp();
    const fan = await track(h!, 'Fan');
    expect(fan.content).toContain('**Fan** is watched (follows the bot’s RA account)');
    const amy = await track(h!, 'Amy');
    expect(amy.content).toContain('**Amy** is watched (the bot’s RA account follows them)');
    expect(amy.content).toContain('announced within seconds');
    const loner = await track(h!, 'Loner');
    expect(loner.content).toContain('**Loner** isn’t watched');
    expect(loner.content).toMatch(/follow \[CheevoBot\]\(http[^)]*\/user\/CheevoBot\) on RetroAchievements/);
    expect(loner.content).toMatch(
      /an admin signed in to RetroAchievements as \[CheevoBot\]\(http[^)]*\/user\/CheevoBot\) follows \*\*Loner\*\*/,
    );
  });

  it('/track list says for each tracked user whether they are watched and why, and the two ways', async () => {
    await setUp();
    await track(h!, 'Fan');
    await track(h!, 'Loner');
    await track(h!, 'Amy');
    const list = await h!.slash(h!.member, 'track', { subcommand: 'list' });
    const text = list.embeds.map(embedText).join('\n');
    expect(text).toContain('2 of 3 watched');
    expect(text).toMatch(/Watched \(announced within seconds\): [^\n]*Fan \(follows the bot’s RA account\)/);
    expect(text).toMatch(
      /Watched \(announced within seconds\): [^\n]*Amy \(the bot’s RA account follows them\)/,
    );
    expect(text).toMatch(/Not watched \(polled on the schedule, minutes\): Loner\n/);
    expect(text).toContain('follow [CheevoBot]');
    expect(text).toContain('an admin signed in to RetroAchievements as [CheevoBot]');
  });

  it('/settings show gives the median and p95 unlock-to-post time and the polling interval', async () => {
    const s = await setUp();
    const [first, second] = addGame(s.world, 7, 'Ecco', 3);
    await track(h!, 'Loner');
    s.world.unlock('Loner', first!, { at: new Date(Date.now() + 1_000) });
    s.world.unlock('Loner', second!, { at: new Date(Date.now() + 1_000) });
    const end = Date.now() + 15_000;
    while (h!.discord.channelMessages(h!.channel.id).length < 1) {
      if (Date.now() > end) throw new Error('no announcement');
      await sleep(50);
    }
    const shown = await h!.slash(h!.admin, 'settings', { subcommand: 'show' });
    const text = shown.embeds.map(embedText).join('\n');
    expect(text).toMatch(
      /Unlock to post\nmedian \*\*\d+ s\*\*, 95% within \*\*\d+ s\*\* \(\d+ announcements?, last 24 hours\)/,
    );
    expect(text).toMatch(/of 1 playing now: polled about every 90 s/);
    expect(text).toContain('0 of 1 tracked users are watched');
    expect(text).toContain('an admin signed in to RetroAchievements as [CheevoBot]');
  });

  it('npm run doctor shows how many tracked users are watched, each way, and the two ways', async () => {
    await setUp();
    await track(h!, 'Fan');
    await track(h!, 'Loner');
    await track(h!, 'Amy');
    const lines: string[] = [];
    const code = await runDoctor(
      {
        DISCORD_TOKEN,
        RA_API_KEY: RA_KEY,
        RA_USERNAME: 'CheevoBot',
        DISCORD_API_URL: h!.config.DISCORD_API_URL,
        RA_API_URL: h!.config.RA_API_URL,
        RA_MEDIA_URL: h!.config.RA_MEDIA_URL,
        RA_SITE_URL: h!.config.RA_SITE_URL,
        DATABASE_PATH: h!.config.DATABASE_PATH,
      },
      (line) => lines.push(line),
      { envFile: join(h!.dataDir, 'no-such.env') },
    );
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('2 of 3 tracked users are watched');
    expect(text).toContain('1 follow CheevoBot on RA, CheevoBot follows 1');
    expect(text).toContain('sign in to RA as CheevoBot and follow them');
  });
});
