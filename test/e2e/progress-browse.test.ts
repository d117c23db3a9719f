/**
 * The /progress browse buttons and autocomplete, end to end through the real discord.js client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BROWSE_LIFETIME_MS } from '../../commands/progress.js';
import { AUTOCOMPLETE_BUDGET_MS } from '../../src/discord/router.js';
import { encodeBrowseId } from '../../src/render/progress.js';
import { type FakeMessage, MessageFlag } from '../fakes/discord/index.js';
import { FakeWorld } from '../fakes/ra/index.js';
import { type Harness, type HarnessOptions, startHarness } from './harness.js';
import {
  autocomplete,
  BIG_SET,
  BIG_SET_EARNED,
  BIG_SET_SIZE,
  buttonByLabel,
  expectNoPings,
  expectWithinLimits,
  MASTERED_GAME,
  press,
  pressAndWait,
  progress,
  SONIC,
  seedWorld,
  UNPLAYED_GAME,
} from './progress-helpers.js';

let h: Harness | undefined;

afterEach(async () => {
  if (!h) return;
  const harness = h;
  h = undefined;
  try {
    // (stop() below checks every complaint of the fake Discord.)
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

const footer = (m: FakeMessage) => m.embeds[0]?.footer?.text ?? '';
const entries = (m: FakeMessage) =>
  (m.embeds[0]?.description ?? '').split('\n').filter((l) => /^[✅🔒]/u.test(l));

describe('browsing a 400-achievement set', () => {
  it('goes back from the list to the summary, with its badge grid, without asking RA again', async () => {
    const { h } = await start();
    const summary = await progress(h, h.member, 'Scott', String(SONIC)).waitForReply(10_000);
    const raCalls = h.ra.requests.count();
    const list = await pressAndWait(h, h.member, summary, 'Browse achievements');
    expect(list.attachments).toEqual([]);
    const next = await pressAndWait(h, h.member, list, 'Back to summary');
    expectWithinLimits(next);
    expect(next.embeds[0]?.title).toBe(summary.embeds[0]?.title);
    expect(next.embeds[0]?.fields).toEqual(summary.embeds[0]?.fields);
    expect(next.attachments.map((a) => a.filename)).toEqual(['badges.png']);
    expect(next.embeds[0]?.image?.url).toContain('badges.png');
    expect(buttonByLabel(next, 'Browse achievements')).toBeDefined();
    expect(h.ra.requests.count()).toBe(raCalls);
  });

  it('pages forward, back, to the end, and filters earned and locked, every page within limits', async () => {
    const { h } = await start();
    const summary = await progress(h, h.member, 'Scott', String(BIG_SET)).waitForReply(10_000);
    expectWithinLimits(summary);
    expect(summary.embeds[0]?.fields?.find((f) => f.name === 'Softcore')?.value).toContain(
      `${BIG_SET_EARNED}/${BIG_SET_SIZE} · 34%`,
    );
    expect(summary.attachments.map((a) => a.filename)).toEqual(['badges.png']);
    const raCallsAfterSummary = h.ra.requests.count();

    const pages: FakeMessage[] = [];
    const go = async (from: FakeMessage, label: string | RegExp) => {
      const page = await pressAndWait(h, h.member, from, label);
      expectWithinLimits(page);
      pages.push(page);
      return page;
    };

    let page = await go(summary, 'Browse achievements');
    expect(footer(page)).toBe(`Page 1/40 · All (400) · ${BIG_SET_EARNED}/400 unlocked`);
    expect(entries(page)).toHaveLength(10);
    expect(entries(page)[0]).toMatch(/^✅ \[\*\*Marathon stage 1\*\*\]/);
    expect(entries(page)[1]).toMatch(/^🔒 \[\*\*Marathon stage 2\*\*\]/);
    // The summary's badge grid is gone from the list view.
    expect(page.attachments).toEqual([]);
    expect(page.embeds[0]?.image).toBeUndefined();
    // On page 1 there is no going back.
    expect(buttonByLabel(page, '◀ Prev').disabled).toBe(true);
    expect(buttonByLabel(page, '⏮ First').disabled).toBe(true);

    page = await go(page, 'Next ▶');
    expect(footer(page)).toMatch(/^Page 2\/40 · All/);
    expect(entries(page)[0]).toContain('Marathon stage 11');

    page = await go(page, 'Last ⏭');
    expect(footer(page)).toMatch(/^Page 40\/40 · All/);
    expect(entries(page).at(-1)).toContain('Marathon stage 400');
    expect(buttonByLabel(page, 'Next ▶').disabled).toBe(true);
    expect(buttonByLabel(page, 'Last ⏭').disabled).toBe(true);

    page = await go(page, '◀ Prev');
    expect(footer(page)).toMatch(/^Page 39\/40 · All/);
    expect(entries(page)[0]).toContain('Marathon stage 381');

    // Earned: dates and the mode of each unlock.
    page = await go(page, 'Earned');
    expect(footer(page)).toBe(`Page 1/14 · Earned (${BIG_SET_EARNED}) · ${BIG_SET_EARNED}/400 unlocked`);
    expect(entries(page).every((l) => l.startsWith('✅'))).toBe(true);
    expect(entries(page)[0]).toMatch(/hardcore <t:\d+:d>/);
    expect(entries(page)[1]).toMatch(/softcore <t:\d+:d>/);
    page = await go(page, 'Last ⏭');
    expect(footer(page)).toMatch(/^Page 14\/14 · Earned/);
    expect(entries(page)).toHaveLength(BIG_SET_EARNED - 130);

    // Locked: descriptions, so the user knows what to do.
    page = await go(page, 'Locked');
    expect(footer(page)).toBe(
      `Page 1/27 · Locked (${BIG_SET_SIZE - BIG_SET_EARNED}) · ${BIG_SET_EARNED}/400 unlocked`,
    );
    const description = page.embeds[0]?.description ?? '';
    expect(description).toContain('🔒 [**Marathon stage 2**]');
    expect(description).toContain('*Finish stage 2*');
    expect(entries(page).every((l) => l.startsWith('🔒'))).toBe(true);
    page = await go(page, 'Next ▶');
    expect(footer(page)).toMatch(/^Page 2\/27 · Locked/);
    page = await go(page, '⏮ First');
    expect(footer(page)).toMatch(/^Page 1\/27 · Locked/);

    page = await go(page, 'All');
    expect(footer(page)).toMatch(/^Page 1\/40 · All/);

    // Paging used the data fetched for /progress: RA was not asked again.
    expect(h.ra.requests.count()).toBe(raCallsAfterSummary);
    // Each press was acknowledged as an update of the same public message.
    expect(h.discord.message(summary.id)?.embeds[0]?.footer?.text).toBe(footer(pages.at(-1)!));
    expectNoPings(h);
  });

  it('keeps paging after a restart by asking RA again (the buttons carry their own state)', async () => {
    const { h } = await start();
    const summary = await progress(h, h.member, 'Scott', String(BIG_SET)).waitForReply(10_000);
    await h.restart();
    const page = await pressAndWait(h, h.member, summary, 'Locked');
    expect(footer(page)).toMatch(/^Page 1\/27 · Locked/);
    expect(h.ra.requests.count('GetGameInfoAndUserProgress')).toBe(2);
  });

  it('tells the invoker privately when RA is down while paging, and leaves the message as it was', async () => {
    const { h } = await start({ overrides: { ra: { maxRetries: 1, baseBackoffMs: 10 } } });
    const summary = await progress(h, h.member, 'Scott', String(BIG_SET)).waitForReply(10_000);
    // After a restart the fetched data is gone: the page needs RA again.
    await h.restart();
    h.ra.faults.add('*', { type: 'status', status: 502 }, Number.POSITIVE_INFINITY);
    const before = structuredClone(h.discord.message(summary.id));
    const click = press(h, h.member, summary, buttonByLabel(summary, 'Earned').custom_id!);
    await click.waitFor((x) => x.followUps.length > 0, 10_000, 'an ephemeral follow-up');
    const note = click.followUps[0]!;
    expect(note.flags & MessageFlag.Ephemeral).toBe(MessageFlag.Ephemeral);
    expect(note.content).toBe(
      'RetroAchievements isn’t answering right now. Please try again in a few minutes.',
    );
    expect(h.discord.message(summary.id)).toEqual(before);
  });

  it('spends the member’s RA allowance on pages it must fetch again, and tells them to slow down', async () => {
    const { h, scott } = await start({
      overrides: { ra: { memberAllowance: { burst: 3, perSecond: 0.001 } } },
    });
    const issuedAt = Math.floor(Date.now() / 1000);
    // Pages of four games nobody fetched yet (say, buttons from before a restart): each is a miss.
    const ids = [SONIC, MASTERED_GAME, UNPLAYED_GAME, BIG_SET].map((gameId) =>
      encodeBrowseId({
        invokerId: h.member.user.id,
        user: scott.ulid,
        gameId,
        filter: 'all',
        page: 0,
        issuedAt,
      }),
    );
    const notes: string[] = [];
    for (const custom_id of ids) {
      // One message per button: a page shown replaces the message's buttons.
      const message = h.discord.addOldBotMessage(h.channel.id, {
        content: 'a page',
        components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Next ▶', custom_id }] }],
      });
      const click = press(h, h.member, message, custom_id);
      await click.waitFor((x) => x.edits.length > 0 || x.followUps.length > 0, 10_000, 'an answer');
      notes.push(...click.followUps.map((f) => f.content));
    }
    expect(h.ra.requests.count()).toBeLessThanOrEqual(3);
    expect(notes.at(-1)).toMatch(/Slow down.*Try again in [\d,]+ seconds/s);
  });

  it('tells a stranger only the invoker can page, privately, and leaves the message alone', async () => {
    const { h } = await start();
    const summary = await progress(h, h.member, 'Scott', String(BIG_SET)).waitForReply(10_000);
    const page = await pressAndWait(h, h.member, summary, 'Browse achievements');
    const before = structuredClone(h.discord.message(page.id));
    for (const label of ['Next ▶', 'Earned']) {
      const click = press(h, h.admin, page, buttonByLabel(page, label).custom_id!);
      const note = await click.waitForReply();
      expect(note.flags & MessageFlag.Ephemeral).toBe(MessageFlag.Ephemeral);
      expect(note.content).toBe(
        'Only the person who ran this `/progress` can page through it. Run `/progress` yourself to browse.',
      );
    }
    expect(h.discord.message(page.id)).toEqual(before);
  });

  it('says expired buttons have expired, and unknown buttons are no longer valid', async () => {
    // The bot's clock runs 16 minutes ahead of the buttons issued at start.
    let offset = 0;
    const { h, scott } = await start({ now: () => new Date(Date.now() + offset) });
    const summary = await progress(h, h.member, 'Scott', String(BIG_SET)).waitForReply(10_000);
    const before = structuredClone(h.discord.message(summary.id));

    offset = BROWSE_LIFETIME_MS + 60_000;
    const expired = press(h, h.member, summary, buttonByLabel(summary, 'Browse achievements').custom_id!);
    const expiredNote = await expired.waitForReply();
    expect(expiredNote.flags & MessageFlag.Ephemeral).toBe(MessageFlag.Ephemeral);
    expect(expiredNote.content).toContain('These buttons have expired (they work for 15 minutes)');
    offset = 0;

    // A hand-made id from 20 minutes ago says the same.
    const old = encodeBrowseId(
      {
        invokerId: h.member.user.id,
        user: scott.ulid,
        gameId: BIG_SET,
        filter: 'locked',
        page: 3,
        issuedAt: Math.floor((Date.now() - 20 * 60_000) / 1000),
      },
      'next',
    );
    // Buttons a user can still press on old messages (Discord only lets them press what is shown).
    const legacy = h.discord.addOldBotMessage(h.channel.id, {
      content: 'an old message',
      components: [
        {
          type: 1,
          components: [old, 'progress:1x:not-a-browse-id', 'retired-feature:42'].map((custom_id, i) => ({
            type: 2,
            style: 2,
            label: `old ${i}`,
            custom_id,
          })),
        },
      ],
    });
    expect((await press(h, h.member, legacy, old).waitForReply()).content).toContain('have expired');

    const garbled = await press(h, h.member, legacy, 'progress:1x:not-a-browse-id').waitForReply();
    expect(garbled.content).toBe('This button is no longer valid. Run `/progress` again.');
    expect(garbled.flags & MessageFlag.Ephemeral).toBe(MessageFlag.Ephemeral);
    const foreign = await press(h, h.member, legacy, 'retired-feature:42').waitForReply();
    expect(foreign.content).toContain('This button is no longer active');
    expect(foreign.flags & MessageFlag.Ephemeral).toBe(MessageFlag.Ephemeral);

    expect(h.discord.message(summary.id)).toEqual(before);
    expectNoPings(h);
  });

  it('a button still works 14 minutes in, and the pages it leads to expire with the original', async () => {
    let offset = 0;
    const { h } = await start({ now: () => new Date(Date.now() + offset) });
    const summary = await progress(h, h.member, 'Scott', String(BIG_SET)).waitForReply(10_000);
    offset = 14 * 60_000;
    const page = await pressAndWait(h, h.member, summary, 'Browse achievements');
    expect(footer(page)).toMatch(/^Page 1\/40/);
    offset = 16 * 60_000;
    const late = await press(h, h.member, page, buttonByLabel(page, 'Next ▶').custom_id!).waitForReply();
    expect(late.content).toContain('have expired');
  });
});

describe('autocomplete', () => {
  it('suggests the user’s recently played games as "Title · Console" with the id as value, filtered by what is typed', async () => {
    const { h } = await start();
    const all = await autocomplete(h, h.member, 'game', { user: 'Scott', game: '' }).waitForChoices();
    expect(all).toEqual([
      { name: 'Sonic the Hedgehog · Genesis/Mega Drive', value: String(SONIC) },
      { name: 'Marathon Collection · PlayStation', value: String(BIG_SET) },
      { name: 'Tiny Quest · Game Boy', value: String(MASTERED_GAME) },
    ]);
    expect(all.map((c) => c.value)).not.toContain(String(UNPLAYED_GAME));

    const typed = await autocomplete(h, h.member, 'game', { user: 'Scott', game: 'TINY' }).waitForChoices();
    expect(typed).toEqual([{ name: 'Tiny Quest · Game Boy', value: String(MASTERED_GAME) }]);
    const byConsole = await autocomplete(h, h.member, 'game', {
      user: 'Scott',
      game: 'playstation',
    }).waitForChoices();
    expect(byConsole.map((c) => c.value)).toEqual([String(BIG_SET)]);
    const byId = await autocomplete(h, h.member, 'game', { user: 'Scott', game: '144' }).waitForChoices();
    expect(byId.map((c) => c.value)).toEqual([String(SONIC)]);
    // Keystrokes share one RA call.
    expect(h.ra.requests.count('GetUserRecentlyPlayedGames')).toBe(1);

    // Picking a suggestion sends its id.
    const reply = await progress(h, h.member, 'Scott', typed[0]!.value as string).waitForReply(10_000);
    expect(reply.embeds[0]?.title).toBe('Tiny Quest');
  });

  it('suggests nothing for games until a valid user is given, or for an unknown user', async () => {
    const { h } = await start();
    expect(await autocomplete(h, h.member, 'game', { user: '', game: 'so' }).waitForChoices()).toEqual([]);
    expect(await autocomplete(h, h.member, 'game', { user: 'Ghost', game: '' }).waitForChoices()).toEqual([]);
  });

  it('suggests the server’s tracked users and echoes what was typed', async () => {
    const { h, scott } = await start();
    const nobody = h.ra.world.user('Nobody');
    for (const u of [scott, nobody]) {
      h.bot.store.trackUser({
        guildId: h.guild.id,
        ulid: u.ulid,
        displayName: u.displayName,
        userPic: u.userPic,
        addedBy: h.admin.user.id,
        now: Date.now(),
      });
    }
    const empty = await autocomplete(h, h.member, 'user', { user: '' }).waitForChoices();
    expect(empty.map((c) => c.name).sort()).toEqual(['Nobody', 'ScottyDoesKnow']);
    expect(empty.find((c) => c.name === 'ScottyDoesKnow')?.value).toBe(scott.ulid);

    const typed = await autocomplete(h, h.member, 'user', { user: 'scot' }).waitForChoices();
    expect(typed).toEqual([
      { name: 'scot', value: 'scot' },
      { name: 'ScottyDoesKnow', value: scott.ulid },
    ]);
    // Someone not tracked here is still offered, as typed.
    const other = await autocomplete(h, h.member, 'user', { user: 'Someone' }).waitForChoices();
    expect(other).toEqual([{ name: 'Someone', value: 'Someone' }]);

    // The chosen ULID works for the game suggestions and the command.
    const games = await autocomplete(h, h.member, 'game', { user: scott.ulid, game: 'son' }).waitForChoices();
    expect(games.map((c) => c.value)).toEqual([String(SONIC)]);
    const reply = await progress(h, h.member, scott.ulid, String(SONIC)).waitForReply(10_000);
    expect(reply.embeds[0]?.author?.name).toBe('ScottyDoesKnow');
  });

  it('answers with no choices once its budget (inside Discord’s 3 s) runs out when RA hangs', async () => {
    // Discord's 3 s is 0.5 s beyond the bot's budget: more than a loaded test machine keeps, so
    // the fake waits longer here and the test checks the bot gave up on its own budget instead.
    expect(AUTOCOMPLETE_BUDGET_MS).toBeLessThanOrEqual(2_500);
    const { h } = await start({ discord: { ackTimeoutMs: 60_000 } });
    h.ra.faults.add('GetUserRecentlyPlayedGames', { type: 'hang' }, Number.POSITIVE_INFINITY);
    const handle = autocomplete(h, h.member, 'game', { user: 'Scott', game: 'so' });
    const choices = await handle.waitForChoices(30_000);
    expect(choices).toEqual([]);
    const answeredAfter = handle.callbacks[0]!.at - handle.createdAt;
    expect(answeredAfter).toBeGreaterThanOrEqual(AUTOCOMPLETE_BUDGET_MS - 20);
    // Not RA's own 15 s timeout: the budget ended it (however slow the machine is, well before).
    expect(answeredAfter).toBeLessThan(h.config.RA_TIMEOUT_MS);
    expect(h.ra.faults.pending('GetUserRecentlyPlayedGames')).toBeGreaterThan(0);
  });

  it('answers with no choices when RA fails', async () => {
    const { h } = await start({ overrides: { ra: { maxRetries: 0 } } });
    h.ra.faults.add('GetUserRecentlyPlayedGames', { type: 'status', status: 500 }, Number.POSITIVE_INFINITY);
    expect(await autocomplete(h, h.member, 'game', { user: 'Scott', game: '' }).waitForChoices()).toEqual([]);
  });
});
