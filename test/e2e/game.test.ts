/**
 * Game lookup and /game end to end: the real bot against the fake Discord and a fake RA that
 * lists a generated catalogue of a few thousand RA-style titles.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MessageFlag } from '../fakes/discord/index.js';
import { seedCatalogue } from '../fakes/ra/catalogue.js';
import { FakeWorld } from '../fakes/ra/index.js';
import { type Harness, startHarness } from './harness.js';
import {
  autocomplete,
  buttonByLabel,
  buttons,
  ephemeralError,
  expectNoPings,
  expectWithinLimits,
  press,
  progress,
  runCommand,
} from './progress-helpers.js';

let h: Harness | undefined;

afterEach(async () => {
  if (!h) return;
  const harness = h;
  h = undefined;
  try {
    expect(harness.discord.violations).toEqual([]);
    expect(harness.discord.errors).toEqual([]);
    expect(harness.discord.warnings).toEqual([]);
  } finally {
    await harness.stop();
  }
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

async function start() {
  const world = new FakeWorld({ masteryMinAchievements: 1 });
  const known = seedCatalogue(world, { size: 3000 });
  const scott = world.addUser({ username: 'Scott', displayName: 'ScottyDoesKnow' });
  const amy = world.addUser({ username: 'Amy' });
  const full = (
    id: number,
    title: string,
    consoleId: number,
    consoleName: string,
    first: number,
    n: number,
  ) =>
    world.addGame({
      id,
      title,
      consoleId,
      consoleName,
      imageBoxArt: '/Images/099999.png',
      achievements: Array.from({ length: n }, (_, i) => ({
        id: first + i,
        points: 10,
        author: i < n - 1 ? 'Jamiras' : 'Scott',
      })),
    });
  full(known.ff7, 'Final Fantasy VII', 12, 'PlayStation', 70_000, 10);
  full(known.sonic1, 'Sonic the Hedgehog', 1, 'Genesis/Mega Drive', 71_000, 4);
  full(known.sonic2Gg, 'Sonic the Hedgehog 2', 15, 'Game Gear', 72_000, 4);
  world.play(scott.ulid, known.sonic2Gg, minutesAgo(5));
  h = await startHarness({
    world,
    env: { CATALOGUE_REFRESH_HOURS: '24' },
    overrides: { cataloguePaceMs: 0 },
  });
  // The refresh started in the background once the bot was ready; wait for it.
  await h.bot.catalogue.refresh();
  return { h, known, scott, amy, world };
}

describe('the game catalogue', () => {
  it('is built on first start after the bot is ready, from the idle lane', async () => {
    const { h } = await start();
    const ready = h.logs.findIndex((l) => l.includes('cheevobot ready'));
    const built = h.logs.findIndex((l) => l.includes('game catalogue refreshed'));
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(built).toBeGreaterThan(ready);
    expect(h.ra.requests.count('GetConsoleIDs')).toBe(1);
    expect(h.ra.requests.count('GetGameList')).toBe(15);
  });
});

describe('the game option', () => {
  it('suggests the user’s recent games first, then the catalogue', async () => {
    const { h, known } = await start();
    const choices = await autocomplete(h, h.member, 'game', {
      user: 'Scott',
      game: 'sonic',
    }).waitForChoices();
    expect(choices[0]).toEqual({ name: 'Sonic the Hedgehog 2 · Game Gear', value: String(known.sonic2Gg) });
    expect(choices[1]).toEqual({
      name: 'Sonic the Hedgehog · Genesis/Mega Drive',
      value: String(known.sonic1),
    });
    expect(choices.length).toBe(25);

    const abbreviated = await autocomplete(h, h.member, 'game', {
      user: 'Scott',
      game: 'ff7',
    }).waitForChoices();
    expect(abbreviated[0]).toEqual({ name: 'Final Fantasy VII · PlayStation', value: String(known.ff7) });
    // Subsets and hacks are offered too, below the main set.
    expect(abbreviated.map((c) => c.value)).toContain(String(known.ff7Subset));
  });

  it('resolves a typed title the same way; an abbreviation two games share asks, intended game first', async () => {
    const { h } = await start();
    const reply = await progress(h, h.member, 'Scott', 'final fantasy 7').waitForReply(10_000);
    expect(reply.embeds[0]?.title).toBe('Final Fantasy VII');
    // The generated catalogue also holds "Final Force 7": "ff7" is honestly ambiguous.
    const byInitials = await progress(h, h.member, 'Scott', 'ff7').waitForReply(10_000);
    expect(buttons(byInitials)[0]?.label).toBe('Final Fantasy VII · PlayStation');
    expect(buttons(byInitials).some((b) => b.label?.startsWith('Final Force 7 · '))).toBe(true);
  });

  it('asks which game when a title matches several, with buttons only the invoker can press', async () => {
    const { h, known } = await start();
    const picker = await progress(h, h.member, 'Scott', 'Sonic the Hedgehog').waitForReply(10_000);
    expect(picker.content).toContain('“Sonic the Hedgehog” matches several games');
    expectWithinLimits(picker);
    const labels = buttons(picker).map((b) => b.label);
    expect(labels).toEqual([
      'Sonic the Hedgehog · Genesis/Mega Drive',
      'Sonic the Hedgehog · Master System',
      'Sonic the Hedgehog · Game Gear',
      // The bonus subset has the same title: asked about too, after the main sets.
      'Sonic the Hedgehog [Subset - Bonus] · Genesis/Mega Drive',
    ]);

    const stranger = await press(
      h,
      h.admin,
      picker,
      buttonByLabel(picker, /Genesis/).custom_id!,
    ).waitForReply();
    expect(stranger.flags & MessageFlag.Ephemeral).toBe(MessageFlag.Ephemeral);
    expect(stranger.content).toContain('Only the person who ran this `/progress` can pick');

    const click = press(h, h.member, picker, buttonByLabel(picker, /Genesis/).custom_id!);
    await click.waitFor((x) => x.edits.length > 0, 10_000, 'the summary');
    const summary = h.discord.message(picker.id)!;
    expect(summary.content).toBe('');
    expect(summary.embeds[0]?.title).toBe('Sonic the Hedgehog');
    expect(summary.embeds[0]?.url).toBe(`${h.ra.siteUrl}/game/${known.sonic1}`);
    expectNoPings(h);
  });

  it('says when nothing matches', async () => {
    const { h } = await start();
    const note = await ephemeralError(progress(h, h.member, 'Scott', 'zzyzx qqq'));
    expect(note.content).toContain('No game matches “zzyzx qqq”');
  });
});

describe('/game', () => {
  it('shows the set’s card and who in this server plays it, best first, from one cached RA request', async () => {
    const { h, known, scott, amy, world } = await start();
    for (const who of ['Scott', 'Amy']) {
      const added = await h.slash(h.admin, 'track', {
        subcommand: 'add',
        options: { user: who, channel: h.channel.id },
      });
      expect(added.content).toContain('now');
    }
    // Amy masters it in hardcore; Scott has 3 of 10, one in hardcore. Nobody else plays it.
    // (After tracking started: the poller reads nothing from before.)
    for (let i = 0; i < 10; i++) world.unlock(amy.ulid, 70_000 + i, { hardcore: true });
    world.unlock(scott.ulid, 70_000, { hardcore: true });
    world.unlock(scott.ulid, 70_001);
    world.unlock(scott.ulid, 70_002);
    await h.pollAndDrain();

    const before = h.ra.requests.count('GetGameExtended');
    const reply = await runCommand(h, h.member, 'game', { game: 'Final Fantasy VII' }).waitForReply(10_000);
    expectWithinLimits(reply);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Final Fantasy VII');
    expect(embed.url).toBe(`${h.ra.siteUrl}/game/${known.ff7}`);
    expect(embed.description).toContain('PlayStation');
    expect(embed.thumbnail?.url).toBe(`${h.ra.mediaUrl}/Images/0${known.ff7}.png`);
    expect(embed.image?.url).toBe(`${h.ra.mediaUrl}/Images/099999.png`);
    const field = (name: string) => embed.fields?.find((f) => f.name.startsWith(name))?.value ?? '';
    expect(field('Achievements')).toBe('10 · 100 points');
    expect(field('Players')).toBe('2');
    expect(field('Set by')).toBe('Jamiras (9), Scott (1)');
    const here = field('In Retro Club').split('\n');
    expect(here[0]).toBe('2 tracked · 1 mastered or completed · 0 beaten');
    expect(here[1]).toMatch(/^\[Amy\]\(.+\): 10\/10 · 100% \(10 hardcore\) · 👑 Mastered$/);
    expect(here[2]).toMatch(/^\[ScottyDoesKnow\]\(.+\): 3\/10 · 30% \(1 hardcore\)$/);

    await runCommand(h, h.member, 'game', { game: String(known.ff7) }).waitForReply(10_000);
    expect(h.ra.requests.count('GetGameExtended') - before).toBe(1);
  });

  it('says nobody here plays a game no tracked user touched', async () => {
    const { h } = await start();
    const reply = await runCommand(h, h.member, 'game', { game: 'sonic the hedgehog genesis' }).waitForReply(
      10_000,
    );
    expect(reply.embeds[0]?.title).toBe('Sonic the Hedgehog');
    const here = reply.embeds[0]?.fields?.find((f) => f.name === 'In Retro Club');
    expect(here?.value).toBe('Nobody this server tracks has progress here yet.');
  });
});
