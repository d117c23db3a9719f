import { ButtonStyle } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  AWARD_COLORS,
  type BrowseState,
  decodeBrowseId,
  encodeBrowseId,
  renderAchievementPage,
  renderProgress,
} from '../../src/render/progress.js';
import {
  achievement,
  earned,
  game,
  HOSTILE,
  hugeHostileGame,
  INVOKER,
  NOW,
  profile,
  ULID,
  urls,
} from './fixtures.js';
import { expectWithinDiscordLimits } from './limits.js';

const state = (overrides: Partial<BrowseState> = {}): BrowseState => ({
  invokerId: INVOKER,
  user: ULID,
  gameId: 1234,
  filter: 'all',
  page: 0,
  issuedAt: Math.floor(NOW.getTime() / 1000),
  ...overrides,
});

const day = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

function typicalGame() {
  return game([
    earned(1, day(10), true, { title: 'First Steps', points: 5 }),
    earned(2, day(5), false, { title: 'Coin Collector', points: 10 }),
    earned(3, day(1), true, { title: 'Boss Down', points: 25, retroPoints: 60 }),
    achievement(4, { title: 'Secret Star', points: 10, type: 'missable' }),
    achievement(5, { title: 'The End', points: 50, type: 'win_condition' }),
  ]);
}

const allText = (value: unknown) => JSON.stringify(value);

describe('browse ids', () => {
  it('round-trips every field and the action', () => {
    const s = state({ filter: 'locked', page: 39, gameId: 987654 });
    expect(decodeBrowseId(encodeBrowseId(s, 'next'))).toEqual({ ...s, action: 'next' });
  });

  it('round-trips a username instead of a ULID', () => {
    const s = state({ user: 'Scott' });
    expect(decodeBrowseId(encodeBrowseId(s))?.user).toBe('Scott');
  });

  it('stays within 100 characters at the largest values', () => {
    const largest = state({
      invokerId: '18446744073709551615',
      user: 'Z'.repeat(32),
      gameId: Number.MAX_SAFE_INTEGER,
      page: 36 ** 4 - 1,
      issuedAt: 36 ** 8 - 1,
    });
    const id = encodeBrowseId(largest, 'summary');
    expect(id.length).toBeLessThanOrEqual(100);
    expect(decodeBrowseId(id)).toEqual({ ...largest, action: 'summary' });
  });

  it('starts with the prefix the command routes on', () => {
    expect(encodeBrowseId(state())).toMatch(/^progress:/);
  });

  it.each([
    '',
    'garbage',
    'progress:',
    'progress:1a:123:user:1:a:0:0:extra',
    'progress:2a:123456789012345678:Scott:ya:a:0:sxk5c', // unknown version
    'progress:1z:123456789012345678:Scott:ya:a:0:sxk5c', // unknown action
    'progress:1a:123456789012345678:Scott:ya:x:0:sxk5c', // unknown filter
    'progress:1a:abc:Scott:ya:a:0:sxk5c', // invoker not a snowflake
    'progress:1a:123456789012345678:Sc@tt:ya:a:0:sxk5c', // user with a forbidden character
    'progress:1a:123456789012345678:Scott:0:a:0:sxk5c', // game id 0
    'progress:1a:123456789012345678:Scott:ya:a:-1:sxk5c', // negative page
    'progress:1a:123456789012345678:Scott:0ya:a:0:sxk5c', // non-canonical number
    'other:1a:123456789012345678:Scott:ya:a:0:sxk5c',
    `progress:1a:123456789012345678:${'x'.repeat(90)}:ya:a:0:sxk5c`,
  ])('rejects %j', (id) => {
    expect(decodeBrowseId(id)).toBeNull();
  });

  it('refuses to encode a state that could not be decoded', () => {
    expect(() => encodeBrowseId(state({ user: 'has space' }))).toThrow(RangeError);
    expect(() => encodeBrowseId(state({ page: -1 }))).toThrow(RangeError);
  });
});

describe('renderProgress', () => {
  it('shows author, linked title, console, icon, progress for both modes and points', () => {
    const { embeds, components, attachmentName } = renderProgress({
      profile: profile(),
      game: typicalGame(),
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: true,
    });
    const [embed] = embeds;
    expect(embed?.author).toEqual({
      name: 'Player1',
      icon_url: 'https://media.retroachievements.org/UserPic/Player1.png',
      url: `https://retroachievements.org/u/${ULID}`,
    });
    expect(embed?.title).toBe('Super Mario 64');
    expect(embed?.url).toBe('https://retroachievements.org/game/1234');
    expect(embed?.description).toContain('Nintendo 64');
    expect(embed?.thumbnail?.url).toBe('https://media.retroachievements.org/Images/012345.png');
    const field = (name: string) => embed?.fields?.find((f) => f.name === name)?.value ?? '';
    expect(field('Softcore')).toContain('3/5 · 60%');
    expect(field('Hardcore')).toContain('2/5 · 40%');
    expect(field('Softcore')).toMatch(/^[▰▱]{10}\n/);
    expect(field('Points')).toContain('**40** / 100 points (hardcore 30)');
    expect(field('Points')).toContain('**70** / 100 RetroPoints');
    expect(embed?.image?.url).toBe('attachment://badges.png');
    expect(attachmentName).toBe('badges.png');
    expect(components).toHaveLength(1);
    expectWithinDiscordLimits({ embeds, components });
  });

  it('lists the latest unlocks newest first with relative times, and the next locked ones in display order', () => {
    const { embeds } = renderProgress({
      profile: profile(),
      game: typicalGame(),
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: false,
    });
    const fields = embeds[0]?.fields ?? [];
    const latest = fields.find((f) => f.name === 'Latest unlocks')?.value ?? '';
    expect(latest.split('\n').map((l) => /\*\*(.+?)\*\*/.exec(l)?.[1])).toEqual([
      'Boss Down',
      'Coin Collector',
      'First Steps',
    ]);
    expect(latest).toContain(`<t:${Math.floor(day(1).getTime() / 1000)}:R>`);
    expect(latest).toContain('hardcore');
    const next = fields.find((f) => f.name === 'Next to unlock')?.value ?? '';
    expect(next.split('\n').map((l) => /\*\*(.+?)\*\*/.exec(l)?.[1])).toEqual(['Secret Star', 'The End']);
    expect(next).toContain('missable');
    expect(embeds[0]?.description).toContain(`<t:${Math.floor(day(1).getTime() / 1000)}:R>`);
  });

  it('leaves the image out when no badge grid is attached', () => {
    const reply = renderProgress({
      profile: profile(),
      game: typicalGame(),
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: false,
    });
    expect(reply.embeds[0]?.image).toBeUndefined();
    expect(reply.attachmentName).toBeNull();
  });

  it.each([
    ['none', null],
    ['beaten-softcore', 'beaten-softcore'],
    ['beaten-hardcore', 'beaten-hardcore'],
    ['completed', 'completed'],
    ['mastered', 'mastered'],
  ] as const)('colors the embed for award state %s and shows the award date', (state, kind) => {
    const g = { ...typicalGame(), highestAwardKind: kind, highestAwardDate: kind ? day(2) : null };
    const { embeds } = renderProgress({
      profile: profile(),
      game: g,
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: false,
    });
    expect(embeds[0]?.color).toBe(AWARD_COLORS[state]);
    const award = embeds[0]?.fields?.find((f) => f.name === 'Award')?.value;
    if (kind) expect(award).toContain(`<t:${Math.floor(day(2).getTime() / 1000)}:D>`);
    else expect(award).toBe('None yet');
  });

  it('uses five distinct award colors', () => {
    expect(new Set(Object.values(AWARD_COLORS)).size).toBe(5);
  });

  it('renders a game without achievements sensibly, with no browse buttons or image', () => {
    const reply = renderProgress({
      profile: profile(),
      game: game([]),
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: true,
    });
    expect(reply.embeds[0]?.description).toContain('No achievements yet');
    expect(reply.embeds[0]?.fields).toBeUndefined();
    expect(reply.components).toEqual([]);
    expect(reply.attachmentName).toBeNull();
    expectWithinDiscordLimits(reply);
  });

  it('renders a user with no progress sensibly', () => {
    const reply = renderProgress({
      profile: profile(),
      game: game([achievement(1), achievement(2)]),
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: false,
    });
    const field = (name: string) => reply.embeds[0]?.fields?.find((f) => f.name === name)?.value ?? '';
    expect(field('Softcore')).toContain('0/2 · 0%');
    expect(field('Latest unlocks')).toBe('No unlocks yet');
    expect(reply.embeds[0]?.description).toContain('No achievements unlocked yet');
    expectWithinDiscordLimits(reply);
  });

  it('says so when every achievement is unlocked', () => {
    const reply = renderProgress({
      profile: profile(),
      game: game([earned(1, day(1), true)]),
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: false,
    });
    expect(reply.embeds[0]?.fields?.find((f) => f.name === 'Next to unlock')?.value).toMatch(
      /every achievement/,
    );
  });

  it('browse buttons decode to the invoker, the ULID, the game and each filter', () => {
    const { components } = renderProgress({
      profile: profile(),
      game: typicalGame(),
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: false,
    });
    const decoded = (components[0]?.components ?? []).map((c) =>
      decodeBrowseId('custom_id' in c ? c.custom_id : ''),
    );
    expect(decoded.map((d) => d?.filter)).toEqual(['all', 'earned', 'locked']);
    for (const d of decoded) {
      expect(d).toMatchObject({ invokerId: INVOKER, user: ULID, gameId: 1234, page: 0 });
      expect(d?.issuedAt).toBe(Math.floor(NOW.getTime() / 1000));
    }
  });

  it('escapes hostile titles, names and descriptions and never renders a mention', () => {
    const hostile = game(
      Object.values(HOSTILE).map((text, i) =>
        i % 2
          ? achievement(i + 1, { title: text, description: text })
          : earned(i + 1, day(i), true, { title: text }),
      ),
      { title: HOSTILE.markdown, consoleName: HOSTILE.everyone },
    );
    const reply = renderProgress({
      profile: profile({ user: HOSTILE.role }),
      game: hostile,
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: true,
    });
    expect(reply.embeds[0]?.title).toContain('\\*\\*bold\\*\\*');
    expect(reply.embeds[0]?.title).toContain('\\[link\\]');
    expectWithinDiscordLimits(reply);
    expect(allText(reply)).not.toContain('\\u0000');
  });

  it('renders a 400-achievement set with 300-character hostile titles within every limit', () => {
    const reply = renderProgress({
      profile: profile(),
      game: hugeHostileGame(),
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: true,
    });
    expectWithinDiscordLimits(reply);
    expect(reply.embeds[0]?.fields?.find((f) => f.name === 'Next to unlock')?.value).toContain(
      '+195 more locked',
    );
  });
});

describe('renderAchievementPage', () => {
  const g = typicalGame();

  it('lists earned achievements with mode and date, locked ones with their description, all with points', () => {
    const { embeds } = renderAchievementPage({ profile: profile(), game: g, urls, state: state(), now: NOW });
    const description = embeds[0]?.description ?? '';
    expect(description).toContain(
      '✅ [**First Steps**](https://retroachievements.org/achievement/1) · 5 pts · hardcore',
    );
    expect(description).toContain(`<t:${Math.floor(day(5).getTime() / 1000)}:d>`);
    expect(description).toContain(
      'Coin Collector**](https://retroachievements.org/achievement/2) · 10 pts · softcore',
    );
    expect(description).toContain(
      '🔒 [**Secret Star**](https://retroachievements.org/achievement/4) · 10 pts · missable',
    );
    expect(description).toContain('*Do thing number 4*');
    expect(embeds[0]?.footer?.text).toBe('Page 1/1 · All (5) · 3/5 unlocked');
  });

  it.each([
    ['earned', ['First Steps', 'Coin Collector', 'Boss Down']],
    ['locked', ['Secret Star', 'The End']],
  ] as const)('filters to %s achievements', (filter, titles) => {
    const { embeds } = renderAchievementPage({
      profile: profile(),
      game: g,
      urls,
      state: state({ filter }),
      now: NOW,
    });
    const shown = [...(embeds[0]?.description ?? '').matchAll(/\[\*\*(.+?)\*\*\]/g)].map((m) => m[1]);
    expect(shown).toEqual(titles);
  });

  it('pages through the set and disables navigation at the ends', () => {
    const big = game(Array.from({ length: 25 }, (_, i) => achievement(i + 1)));
    const first = renderAchievementPage({ profile: profile(), game: big, urls, state: state(), now: NOW });
    const nav = first.components[0]?.components ?? [];
    expect(nav.map((b) => ('disabled' in b ? b.disabled : undefined))).toEqual([true, true, false, false]);
    expect(first.embeds[0]?.footer?.text).toMatch(/^Page 1\/3/);
    const nextId = nav[2] && 'custom_id' in nav[2] ? nav[2].custom_id : '';
    const next = decodeBrowseId(nextId);
    expect(next).toMatchObject({ page: 1, action: 'next' });

    const last = renderAchievementPage({
      profile: profile(),
      game: big,
      urls,
      state: state({ page: 2 }),
      now: NOW,
    });
    expect(
      (last.components[0]?.components ?? []).map((b) => ('disabled' in b ? b.disabled : undefined)),
    ).toEqual([false, false, true, true]);
    expect(last.embeds[0]?.description?.match(/🔒/g)).toHaveLength(5);
  });

  it('shows the last page for a page number past the end (a stale button)', () => {
    const { embeds } = renderAchievementPage({
      profile: profile(),
      game: g,
      urls,
      state: state({ page: 99 }),
      now: NOW,
    });
    expect(embeds[0]?.footer?.text).toMatch(/^Page 1\/1/);
  });

  it('marks the current filter and resets to the first page when switching filter', () => {
    const { components } = renderAchievementPage({
      profile: profile(),
      game: g,
      urls,
      state: state({ filter: 'earned' }),
      now: NOW,
    });
    const filters = components[1]?.components ?? [];
    expect(filters.map((b) => ('label' in b ? b.label : ''))).toEqual(['All', 'Earned', 'Locked']);
    const earnedButton = filters[1];
    expect(earnedButton && 'style' in earnedButton && earnedButton.style).toBe(ButtonStyle.Success);
    expect(earnedButton && 'disabled' in earnedButton && earnedButton.disabled).toBe(true);
    for (const b of filters) expect(decodeBrowseId('custom_id' in b ? b.custom_id : '')?.page).toBe(0);
  });

  it('adds a summary button only when asked', () => {
    const without = renderAchievementPage({ profile: profile(), game: g, urls, state: state(), now: NOW });
    expect(without.components[0]?.components).toHaveLength(4);
    const withSummary = renderAchievementPage({
      profile: profile(),
      game: g,
      urls,
      state: state(),
      now: NOW,
      summaryButton: true,
    });
    const summary = withSummary.components[0]?.components[4];
    expect(decodeBrowseId(summary && 'custom_id' in summary ? summary.custom_id : '')?.action).toBe(
      'summary',
    );
    expectWithinDiscordLimits(withSummary);
  });

  it('says what is missing when a filter matches nothing', () => {
    const allDone = game([earned(1, day(1), true)]);
    const locked = renderAchievementPage({
      profile: profile(),
      game: allDone,
      urls,
      state: state({ filter: 'locked' }),
      now: NOW,
    });
    expect(locked.embeds[0]?.description).toMatch(/every achievement is earned/);
    const empty = renderAchievementPage({
      profile: profile(),
      game: game([]),
      urls,
      state: state(),
      now: NOW,
    });
    expect(empty.embeds[0]?.description).toMatch(/No achievements yet/);
    expectWithinDiscordLimits(empty);
  });

  it('renders every page of a 400-achievement hostile set within every limit, for every filter and page size', () => {
    const huge = hugeHostileGame();
    for (const pageSize of [10, 25, 1]) {
      for (const filter of ['all', 'earned', 'locked'] as const) {
        const pages = Math.ceil((filter === 'all' ? 400 : 200) / pageSize);
        // Every page at the real page sizes; the first and last few at one per page (400 pages).
        const toRender = Array.from({ length: pages }, (_, p) => p).filter(
          (p) => pageSize > 1 || p < 5 || p >= pages - 5,
        );
        for (const page of toRender) {
          const reply = renderAchievementPage({
            profile: profile({ user: HOSTILE.everyone }),
            game: huge,
            urls,
            state: state({ filter, page }),
            now: NOW,
            pageSize,
            summaryButton: true,
          });
          expectWithinDiscordLimits(reply);
          expect(reply.embeds[0]?.footer?.text).toContain(`Page ${page + 1}/${pages}`);
        }
      }
    }
  });
});
