/**
 * /progress end to end: the real bot (discord.js client, RA client, SQLite) against the fake
 * Discord and the fake RA. Every assertion is about what a Discord user would see.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AWARD_COLORS } from '../../src/render/style.js';
import { MessageFlag } from '../fakes/discord/index.js';
import { FakeWorld } from '../fakes/ra/index.js';
import { type Harness, type HarnessOptions, startHarness } from './harness.js';
import {
  at,
  autocomplete,
  BIG_SET,
  buttonByLabel,
  buttons,
  ephemeralError,
  expectNoPings,
  expectWithinLimits,
  MASTERED_GAME,
  pressAndWait,
  progress,
  SONIC,
  seedWorld,
  UNPLAYED_GAME,
  unix,
} from './progress-helpers.js';

let h: Harness | undefined;

afterEach(async () => {
  if (!h) return;
  const harness = h;
  h = undefined;
  try {
    // (stop() below checks every complaint of the fake Discord.)
    // Secrets never reach the logs.
    expect(harness.logs.join('\n')).not.toContain(harness.config.RA_API_KEY);
    expect(harness.logs.join('\n')).not.toContain(harness.config.DISCORD_TOKEN);
  } finally {
    await harness.stop();
  }
});

async function start(options: HarnessOptions = {}) {
  const world = new FakeWorld({ masteryMinAchievements: 1 });
  const { scott } = seedWorld(world);
  h = await startHarness({ world, ...options });
  return { h, scott };
}

describe('/progress summary', () => {
  it('shows the user, the game, both progress bars, points, the award, latest and next unlocks, and the badge grid', async () => {
    const { h, scott } = await start();
    const handle = progress(h, h.member, 'Scott', String(SONIC));
    const reply = await handle.waitForReply(10_000);

    // A public answer to everyone in the channel, first "thinking", then the embed.
    expect(handle.callbacks[0]?.type).toBe(5);
    expect(reply.flags & MessageFlag.Ephemeral).toBe(0);
    expectWithinLimits(reply);
    expect(reply.embeds).toHaveLength(1);
    const embed = reply.embeds[0]!;

    // The user: display name, avatar, a profile link that survives renames.
    expect(embed.author?.name).toBe('ScottyDoesKnow');
    expect(embed.author?.icon_url).toBe(`${h.ra.mediaUrl}/UserPic/Scott.png`);
    expect(embed.author?.url).toBe(`${h.ra.siteUrl}/u/${scott.ulid}`);
    // The game: title linking to its page, console, icon.
    expect(embed.title).toBe('Sonic the Hedgehog');
    expect(embed.url).toBe(`${h.ra.siteUrl}/game/${SONIC}`);
    expect(embed.description).toContain('Genesis/Mega Drive · 1 player\n');
    expect(embed.thumbnail?.url).toBe(`${h.ra.mediaUrl}/Images/001446.png`);
    // When the last unlock happened (achievement 12, softcore, at minute 11).
    expect(embed.description).toContain(`Last unlock <t:${unix(at(11))}:R>`);

    const field = (name: string) => {
      const found = embed.fields?.find((f) => f.name === name);
      if (!found) throw new Error(`no field ${name} in ${embed.fields?.map((f) => f.name).join(', ')}`);
      return found.value;
    };
    // 12 of 23 earned (8 of them in hardcore).
    expect(field('Softcore')).toMatch(/^[▰▱]{10}\n12\/23 · 52%$/);
    expect(field('Softcore')).toContain('▰▰▰▰▰▱▱▱▱▱');
    expect(field('Hardcore')).toMatch(/^[▰▱]{10}\n8\/23 · 34%$/);
    // 12 × 5 of 23 × 5 points; RetroPoints only for the 8 hardcore unlocks (7 each, of 23 × 7).
    expect(field('Points')).toContain('**60** / 115 points');
    expect(field('Points')).toContain('hardcore 40');
    expect(field('Points')).toContain('**56** / 161 RetroPoints');
    // Beaten in hardcore when the win condition (minute 1) was unlocked.
    expect(field('Award')).toContain('Beaten (hardcore)');
    expect(field('Award')).toContain(`<t:${unix(at(1))}:D>`);
    expect(embed.color).toBe(AWARD_COLORS['beaten-hardcore']);

    const latest = field('Latest unlocks').split('\n');
    expect(latest).toHaveLength(5);
    expect(latest[0]).toContain(`[**Sonic feat 12**](${h.ra.siteUrl}/achievement/10011)`);
    expect(latest[0]).toContain('softcore');
    expect(latest[0]).toContain(`<t:${unix(at(11))}:R>`);
    expect(latest[4]).toContain('Sonic feat 8');
    expect(latest[4]).toContain('hardcore');
    const next = field('Next to unlock').split('\n');
    expect(next[0]).toContain(`[**Sonic feat 13**](${h.ra.siteUrl}/achievement/10012)`);
    expect(next.at(-1)).toBe('+6 more locked');

    // The badge grid: one PNG attached as badges.png, shown as the embed's image.
    expect(reply.attachments.map((a) => a.filename)).toEqual(['badges.png']);
    const grid = reply.attachments[0]!;
    // discord.js sniffs the type from the bytes: image/png means a PNG signature.
    expect(grid.content_type).toBe('image/png');
    expect(grid.size).toBeGreaterThan(100);
    expect(embed.image?.url).toBe(grid.url);
    const uploads = h.discord.requests.filter((r) => r.files.length > 0);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.files[0]).toMatchObject({ name: 'badges.png', contentType: 'image/png' });
    expect(uploads[0]!.body).toMatchObject({
      embeds: [{ image: { url: 'attachment://badges.png' } }],
    });

    // Badges come from RA_MEDIA_URL: earned in color, locked as RA's `_lock` variant.
    const media = h.ra.requests.of('media').map((r) => r.path);
    expect(media).toHaveLength(23);
    expect(media).toContain('/media/Badge/010000.png');
    expect(media).toContain('/media/Badge/010011.png');
    expect(media).toContain('/media/Badge/010012_lock.png');
    expect(media).not.toContain('/media/Badge/010012.png');

    // Buttons to browse the whole list.
    expect(reply.components.flatMap((r) => r.components ?? []).map((b) => b.label)).toEqual([
      'Browse achievements',
      'Earned',
      'Locked',
    ]);

    // A second look reuses the cached badges: no new downloads.
    const again = await progress(h, h.admin, 'Scott', String(SONIC)).waitForReply(10_000);
    expect(again.attachments.map((a) => a.filename)).toEqual(['badges.png']);
    expect(h.ra.requests.of('media')).toHaveLength(23);
    expectNoPings(h);
  });

  it('shows a hardcore mastery in gold with its date', async () => {
    const { h } = await start();
    const reply = await progress(h, h.member, 'ScottyDoesKnow', String(MASTERED_GAME)).waitForReply(10_000);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Tiny Quest');
    expect(embed.color).toBe(AWARD_COLORS.mastered);
    const award = embed.fields?.find((f) => f.name === 'Award')?.value ?? '';
    expect(award).toContain('Mastered');
    expect(award).toContain(`<t:${unix(at(103))}:D>`);
    expect(embed.fields?.find((f) => f.name === 'Hardcore')?.value).toContain('3/3 · 100%');
    expect(embed.fields?.find((f) => f.name === 'Next to unlock')?.value).toContain('every achievement');
  });

  it('finds the game by a title from the user’s recently played games', async () => {
    const { h } = await start();
    const byPart = await progress(h, h.member, 'Scott', 'sonic').waitForReply(10_000);
    expect(byPart.embeds[0]?.title).toBe('Sonic the Hedgehog');
    // The suggestion text itself, typed out instead of picked, works too.
    const byLabel = await progress(h, h.member, 'Scott', 'Tiny Quest · Game Boy').waitForReply(10_000);
    expect(byLabel.embeds[0]?.title).toBe('Tiny Quest');
    expect(byLabel.embeds[0]?.url).toBe(`${h.ra.siteUrl}/game/${MASTERED_GAME}`);
  });

  it('asks which game, with buttons, when a title matches several games, and changes nothing else', async () => {
    const world = new FakeWorld({ masteryMinAchievements: 1 });
    const { scott } = seedWorld(world);
    world.addGame({ id: 7001, title: 'Super Mario Bros.', consoleName: 'NES/Famicom' });
    world.addGame({ id: 7002, title: 'Super Mario World', consoleName: 'SNES/Super Famicom' });
    world.play(scott.ulid, 7001);
    world.play(scott.ulid, 7002);
    h = await startHarness({ world });
    // A public "which one?" with a button per game (test/e2e/game.test.ts presses them).
    const note = await progress(h, h.member, 'Scott', 'mario').waitForReply(10_000);
    expect(note.content).toContain('“mario” matches several games');
    expect(note.content).toContain('Super Mario Bros. (NES/Famicom) · id 7001');
    expect(note.content).toContain('Super Mario World (SNES/Super Famicom) · id 7002');
    expect(buttons(note).map((b) => b.label)).toEqual([
      'Super Mario Bros. · NES/Famicom',
      'Super Mario World · SNES/Super Famicom',
    ]);
    expect(h.ra.requests.count('GetGameInfoAndUserProgress')).toBe(0);
    expectNoPings(h);
  });

  it('says when no game matches the title', async () => {
    const { h } = await start();
    const note = await ephemeralError(progress(h, h.member, 'Scott', 'Zelda'));
    expect(note.content).toContain('No game matches “Zelda”.');
    expect(note.content).toContain('game id');
  });

  it('says the user does not exist, whether the game is an id or a title', async () => {
    const { h } = await start();
    const byId = await ephemeralError(progress(h, h.member, 'Ghost', String(SONIC)));
    expect(byId.content).toBe(
      'RetroAchievements has no user called “Ghost”. Check the spelling (a username, display name or ULID).',
    );
    const byTitle = await ephemeralError(progress(h, h.member, 'Ghost', 'sonic'));
    expect(byTitle.content).toBe(byId.content);
  });

  it('says a user name RA could never accept is invalid, without asking RA', async () => {
    const { h } = await start();
    const note = await ephemeralError(progress(h, h.member, 'not a user!', String(SONIC)));
    expect(note.content).toContain('That user isn’t valid');
    expect(h.ra.requests.count()).toBe(0);
  });

  it('says the game does not exist', async () => {
    const { h } = await start();
    const note = await ephemeralError(progress(h, h.member, 'Scott', '999999'));
    expect(note.content).toBe('RetroAchievements has no game with id 999999.');
  });

  it('shows an empty summary for a game the user has not played', async () => {
    const { h } = await start();
    const reply = await progress(h, h.member, 'Scott', String(UNPLAYED_GAME)).waitForReply(10_000);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Untouched Adventure');
    expect(embed.color).toBe(AWARD_COLORS.none);
    expect(embed.description).toContain('No achievements unlocked yet.');
    const field = (name: string) => embed.fields?.find((f) => f.name === name)?.value;
    expect(field('Softcore')).toContain('0/2 · 0%');
    expect(field('Hardcore')).toContain('0/2 · 0%');
    expect(field('Award')).toBe('None yet');
    expect(field('Latest unlocks')).toBe('No unlocks yet');
    expect(field('Points')).toContain('**0** / 10 points');
    // Locked badges only, still a grid.
    expect(reply.attachments.map((a) => a.filename)).toEqual(['badges.png']);
    expect(h.ra.requests.of('media').every((r) => r.path.endsWith('_lock.png'))).toBe(true);
  });
});

describe('/progress when RetroAchievements misbehaves', () => {
  const quickRetries: HarnessOptions = { overrides: { ra: { maxRetries: 2, baseBackoffMs: 10 } } };

  it('says RA is down after the retries give up (5xx)', async () => {
    const { h } = await start(quickRetries);
    h.ra.faults.add('*', { type: 'status', status: 503 }, Number.POSITIVE_INFINITY);
    const note = await ephemeralError(progress(h, h.member, 'Scott', String(SONIC)));
    expect(note.content).toBe(
      'RetroAchievements isn’t answering right now. Please try again in a few minutes.',
    );
    // 1 try + 2 retries, for the profile and for the game.
    expect(h.ra.requests.count('GetUserProfile')).toBe(3);
    expect(h.ra.requests.count('GetGameInfoAndUserProgress')).toBe(3);
    expectNoPings(h);
  });

  it('waits out a 429 and then answers normally', async () => {
    const { h } = await start(quickRetries);
    h.ra.faults.add('GetGameInfoAndUserProgress', { type: 'status', status: 429, retryAfter: 0.05 }, 2);
    const reply = await progress(h, h.member, 'Scott', String(SONIC)).waitForReply(10_000);
    expect(reply.embeds[0]?.title).toBe('Sonic the Hedgehog');
    expect(h.ra.requests.count('GetGameInfoAndUserProgress')).toBe(3);
  });

  it('asks to try again later when RA keeps rate limiting', async () => {
    const { h } = await start(quickRetries);
    h.ra.faults.add('*', { type: 'status', status: 429, retryAfter: 0.02 }, Number.POSITIVE_INFINITY);
    const note = await ephemeralError(progress(h, h.member, 'Scott', String(SONIC)));
    expect(note.content).toBe(
      'RetroAchievements is asking the bot to slow down. Please try again in a minute.',
    );
  });

  it('still answers, without the badge grid, when no badge can be downloaded', async () => {
    const { h } = await start();
    h.ra.faults.add('media', { type: 'status', status: 500 }, Number.POSITIVE_INFINITY);
    const reply = await progress(h, h.member, 'Scott', String(SONIC)).waitForReply(10_000);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Sonic the Hedgehog');
    expect(embed.fields?.find((f) => f.name === 'Softcore')?.value).toContain('12/23 · 52%');
    expect(reply.attachments).toEqual([]);
    expect(embed.image).toBeUndefined();
    expect(h.ra.requests.count('media')).toBeGreaterThan(0);
  });

  it('does not wait for a media server that never answers', async () => {
    const { h } = await start();
    h.ra.faults.add('media', { type: 'hang' }, Number.POSITIVE_INFINITY);
    const started = Date.now();
    const reply = await progress(h, h.member, 'Scott', String(SONIC)).waitForReply(10_000);
    // The badge budget is 2 s; the media host never answers at all.
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(reply.embeds[0]?.title).toBe('Sonic the Hedgehog');
    expect(reply.attachments).toEqual([]);
    expect(reply.embeds[0]?.image).toBeUndefined();
    // Downloads are bounded: a hung media host never sees the whole set at once.
    expect(h.ra.requests.count('media')).toBeLessThanOrEqual(12);
  });
});

describe('/progress browse buttons', () => {
  it('only the invoker can page; a stranger gets a private note and the message stays as it was', async () => {
    const { h } = await start();
    const reply = await progress(h, h.member, 'Scott', String(BIG_SET)).waitForReply(10_000);
    const before = structuredClone(h.discord.message(reply.id));
    const click = h.discord.clickButton({
      guildId: h.guild.id,
      channelId: h.channel.id,
      userId: h.admin.user.id,
      customId: buttonByLabel(reply, 'Browse achievements').custom_id!,
      messageId: reply.id,
    });
    const note = await click.waitForReply();
    expect(click.callbacks[0]?.type).toBe(4);
    expect(note.flags & MessageFlag.Ephemeral).toBe(MessageFlag.Ephemeral);
    expect(note.content).toContain('Only the person who ran this `/progress` can page through it');
    expect(h.discord.message(reply.id)).toEqual(before);
    expect(click.edits).toEqual([]);
  });
});

describe('/progress with hostile and oversized text from RA', () => {
  const HOSTILE_GAME = 6001;
  const pad = (n: number) => 'x'.repeat(n);
  const gameTitle = `@everyone <@&123456789012345678> **Bold** __under__ \`code\` [link](https://evil.example) ${pad(250)}`;
  const achievementTitle = (i: number) =>
    `<@123456789012345678> ||spoiler|| ~~strike~~ # head ${i} ${pad(250)}`;
  const achievementDescription = `@here\n> quote\n-# small ${pad(500)}`;

  /** Every piece of text a user sees in a message. */
  const visibleText = (m: {
    content: string;
    embeds: {
      title?: string;
      description?: string;
      fields?: { name: string; value: string }[];
      footer?: { text: string };
      author?: { name: string };
    }[];
  }) =>
    [
      m.content,
      ...m.embeds.flatMap((e) => [
        e.title ?? '',
        e.description ?? '',
        e.footer?.text ?? '',
        e.author?.name ?? '',
        ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      ]),
    ].join('\n');

  const expectInert = (text: string) => {
    expect(text).not.toMatch(/@everyone|@here/);
    expect(text).not.toMatch(/<@&?\d/);
    expect(text).not.toContain('**Bold**');
    expect(text).not.toMatch(/(^|[^\\])\|\|spoiler/);
  };

  async function startHostile() {
    const world = new FakeWorld({ masteryMinAchievements: 1 });
    const { scott } = seedWorld(world);
    world.addGame({
      id: HOSTILE_GAME,
      title: gameTitle,
      consoleName: '@here **Console**',
      achievements: Array.from({ length: 400 }, (_, i) => ({
        id: 60_000 + i,
        title: achievementTitle(i),
        description: achievementDescription,
        points: 100,
        type: i % 3 === 0 ? ('missable' as const) : null,
      })),
    });
    for (let i = 0; i < 200; i++)
      world.unlock(scott.ulid, 60_000 + i * 2, { hardcore: i % 2 === 0, at: at(i) });
    world.addGame({ id: 6002, title: `${gameTitle} II`, consoleName: '<@&123456789012345678>' });
    world.play(scott.ulid, 6002, at(5_000));
    h = await startHarness({ world });
    return h;
  }

  it('escapes and truncates everything, pings nobody, and stays within Discord’s limits', async () => {
    const h = await startHostile();
    const summary = await progress(h, h.member, 'Scott', String(HOSTILE_GAME)).waitForReply(10_000);
    expectWithinLimits(summary);
    const embed = summary.embeds[0]!;
    expect(embed.title?.length).toBeLessThanOrEqual(256);
    expect(embed.title?.endsWith('…')).toBe(true);
    expect(embed.title).toContain('\\*\\*Bold\\*\\*');
    expectInert(visibleText(summary));
    expect(summary.attachments.map((a) => a.filename)).toEqual(['badges.png']);

    let page = await pressAndWait(h, h.member, summary, 'Browse achievements');
    expectWithinLimits(page);
    expectInert(visibleText(page));
    expect(page.embeds[0]?.description).toContain('…');
    page = await pressAndWait(h, h.member, page, 'Locked');
    expectWithinLimits(page);
    expectInert(visibleText(page));
    page = await pressAndWait(h, h.member, page, 'Last ⏭');
    expectWithinLimits(page);
    expect(page.embeds[0]?.footer?.text).toMatch(/^Page 20\/20 · Locked \(200\)/);

    // Two hostile titles match "everyone": the list of candidates is escaped too.
    const note = await progress(h, h.member, 'Scott', 'everyone').waitForReply(10_000);
    expect(note.content.length).toBeLessThanOrEqual(2000);
    expect(note.content).toContain(`id ${HOSTILE_GAME}`);
    expect(note.content).toContain('id 6002');
    expectInert(note.content);

    const choices = await autocomplete(h, h.member, 'game', {
      user: 'Scott',
      game: 'everyone',
    }).waitForChoices();
    expect(choices.map((c) => c.value)).toEqual(['6002', String(HOSTILE_GAME)]);
    for (const choice of choices) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(choice.name.endsWith('…')).toBe(true);
    }
    // allowed_mentions parse [] on every message the bot sent or edited.
    expectNoPings(h);
  });
});
