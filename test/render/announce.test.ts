import { describe, expect, it } from 'vitest';
import type {
  AwardPayload,
  PayloadAchievement,
  PayloadBase,
  UnlockBundlePayload,
  UnlockPayload,
} from '../../src/domain/announcements.js';
import { renderAnnouncement } from '../../src/render/announce.js';
import { AWARD_COLORS, UNLOCK_COLORS } from '../../src/render/style.js';
import { HOSTILE, HOSTILE_VALUES, ULID, urls } from './fixtures.js';
import { expectWithinDiscordLimits } from './limits.js';

const base = (overrides: Partial<PayloadBase> = {}): PayloadBase => ({
  version: 1,
  user: { ulid: ULID, displayName: 'Player1', userPic: '/UserPic/Player1.png' },
  game: {
    id: 1234,
    title: 'Super Mario 64',
    consoleName: 'Nintendo 64',
    imageIcon: '/Images/012345.png',
    imageBoxArt: '/Images/012348.png',
    numAchievements: 20,
    totalPoints: 400,
    totalRetroPoints: 1200,
    numDistinctPlayers: 1000,
  },
  progress: {
    numAwardedToUser: 12,
    numAwardedToUserHardcore: 10,
    userCompletion: 60,
    userCompletionHardcore: 50,
    pointsEarned: 240,
    pointsEarnedHardcore: 200,
  },
  ...overrides,
});

const cheevo = (id: number, overrides: Partial<PayloadAchievement> = {}): PayloadAchievement => ({
  id,
  title: `Achievement ${id}`,
  description: `Do thing ${id}`,
  points: 10,
  retroPoints: 25,
  badgeName: String(200000 + id),
  type: null,
  hardcore: true,
  upgrade: false,
  at: `2025-06-01T10:${String(id % 60).padStart(2, '0')}:00.000Z`,
  numAwarded: 32,
  numAwardedHardcore: 11,
  numDistinctPlayers: 1000,
  ...overrides,
});

const unlock = (a: PayloadAchievement = cheevo(1), overrides: Partial<PayloadBase> = {}): UnlockPayload => ({
  ...base(overrides),
  kind: 'unlock',
  achievement: a,
});

const bundle = (
  achievements: PayloadAchievement[],
  overrides: Partial<PayloadBase> = {},
): UnlockBundlePayload => ({
  ...base(overrides),
  kind: 'unlock-bundle',
  achievements,
});

const award = (kind: AwardPayload['award']['kind'], overrides: Partial<PayloadBase> = {}): AwardPayload => ({
  ...base(overrides),
  kind: 'award',
  award: { kind, at: '2025-06-04T14:30:00.000Z', firstUnlockAt: '2025-06-01T10:00:00.000Z' },
});

describe('unlock announcements', () => {
  it('shows the badge, linked title, description, points, mode, game, progress, rarity and time', () => {
    const message = renderAnnouncement(unlock(), urls);
    const [embed] = message.embeds;
    expect(message.embeds).toHaveLength(1);
    expect(embed?.title).toBe('Achievement 1');
    expect(embed?.url).toBe('https://retroachievements.org/achievement/1');
    expect(embed?.thumbnail?.url).toBe('https://media.retroachievements.org/Badge/200001.png');
    expect(embed?.author?.name).toBe('Player1 unlocked an achievement');
    expect(embed?.author?.url).toBe(`https://retroachievements.org/u/${ULID}`);
    expect(embed?.description).toContain('Do thing 1');
    expect(embed?.description).toContain(
      '[**Super Mario 64**](https://retroachievements.org/game/1234) · Nintendo 64',
    );
    const field = (name: string) => embed?.fields?.find((f) => f.name === name)?.value ?? '';
    expect(field('Points')).toBe('**10 points**\n25 RetroPoints');
    expect(field('Mode')).toBe('Hardcore');
    expect(field('Rarity')).toBe('3.2% of players (1.1% hardcore)');
    expect(field('Progress')).toContain('12/20 · 60% (hardcore 10/20)');
    expect(field('Progress')).toContain('240/400 points (hardcore 200)');
    expect(embed?.timestamp).toBe('2025-06-01T10:01:00.000Z');
    expect(embed?.color).toBe(UNLOCK_COLORS.hardcore);
    expectWithinDiscordLimits(message);
  });

  it('says softcore for a softcore unlock, in the softcore color', () => {
    const message = renderAnnouncement(unlock(cheevo(1, { hardcore: false })), urls);
    expect(message.embeds[0]?.fields?.find((f) => f.name === 'Mode')?.value).toBe('Softcore');
    expect(message.embeds[0]?.color).toBe(UNLOCK_COLORS.softcore);
  });

  it('says "upgraded to hardcore" for an upgrade', () => {
    const message = renderAnnouncement(unlock(cheevo(1, { upgrade: true })), urls);
    expect(message.embeds[0]?.fields?.find((f) => f.name === 'Mode')?.value).toBe('Upgraded to hardcore');
  });

  it('leaves rarity out when the player count is unknown', () => {
    const message = renderAnnouncement(unlock(cheevo(1, { numDistinctPlayers: 0 })), urls);
    expect(message.embeds[0]?.fields?.some((f) => f.name === 'Rarity')).toBe(false);
  });

  it('handles an empty description', () => {
    const message = renderAnnouncement(unlock(cheevo(1, { description: '' })), urls);
    expect(message.embeds[0]?.description?.startsWith('[**Super Mario 64**]')).toBe(true);
    expectWithinDiscordLimits(message);
  });

  it.each(HOSTILE_VALUES.map((v) => [v]))('stays safe and within limits with hostile text %j', (hostile) => {
    const message = renderAnnouncement(
      unlock(cheevo(1, { title: `${hostile}${'x'.repeat(300)}`, description: hostile.repeat(10) }), {
        user: { ulid: ULID, displayName: hostile, userPic: '' },
        game: { ...base().game, title: hostile, consoleName: hostile },
      }),
      urls,
    );
    expectWithinDiscordLimits(message);
    expect(message.embeds[0]?.title?.length).toBeGreaterThan(0);
  });
});

describe('bundle announcements', () => {
  it('lists every unlock in one embed with points, mode and totals', () => {
    const list = [cheevo(1), cheevo(2, { hardcore: false }), cheevo(3, { upgrade: true })];
    const message = renderAnnouncement(bundle(list), urls);
    expect(message.embeds).toHaveLength(1);
    const [embed] = message.embeds;
    expect(embed?.author?.name).toBe('Player1 unlocked 3 achievements');
    expect(embed?.title).toBe('Super Mario 64');
    expect(embed?.url).toBe('https://retroachievements.org/game/1234');
    const lines = (embed?.description ?? '').split('\n').filter((l) => l.includes('](https://'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(
      '[**Achievement 1**](https://retroachievements.org/achievement/1) · 10 points · hardcore',
    );
    expect(lines[1]).toContain('softcore');
    expect(lines[2]).toContain('upgraded to hardcore');
    expect(embed?.fields?.find((f) => f.name === 'Earned')?.value).toBe('**+30 points** · +50 RetroPoints');
    expect(embed?.timestamp).toBe('2025-06-01T10:03:00.000Z');
    expectWithinDiscordLimits(message);
  });

  it('lists up to maxListed and says "+K more" for the rest', () => {
    const list = Array.from({ length: 15 }, (_, i) => cheevo(i + 1));
    const message = renderAnnouncement(bundle(list), urls, { maxListed: 4 });
    const description = message.embeds[0]?.description ?? '';
    expect(description.match(/\]\(https:\/\/retroachievements\.org\/achievement\//g)).toHaveLength(4);
    expect(description.endsWith('+11 more')).toBe(true);
  });

  it('fits a huge hostile bundle within the limits and counts what did not fit', () => {
    const list = Array.from({ length: 300 }, (_, i) =>
      cheevo(i + 1, {
        title: `${HOSTILE_VALUES[i % HOSTILE_VALUES.length]}${'*'.repeat(300)}`,
        description: `${HOSTILE.role}${'_'.repeat(300)}`,
      }),
    );
    const message = renderAnnouncement(
      bundle(list, { game: { ...base().game, title: `${HOSTILE.everyone}${'G'.repeat(400)}` } }),
      urls,
      { maxListed: 300 },
    );
    expectWithinDiscordLimits(message);
    const description = message.embeds[0]?.description ?? '';
    const listed = description.match(/\]\(https:\/\/retroachievements\.org\/achievement\//g)?.length ?? 0;
    expect(listed).toBeGreaterThan(3);
    expect(description.endsWith(`+${300 - listed} more`)).toBe(true);
  });
});

describe('award announcements', () => {
  it.each([
    ['mastered', 'mastered'],
    ['completed', 'completed'],
    ['beaten-hardcore', 'beaten (hardcore)'],
    ['beaten-softcore', 'beaten (softcore)'],
  ] as const)('%s: says "%s" in the text, with its own color', (kind, word) => {
    const message = renderAnnouncement(award(kind), urls);
    expect(message.content).toContain(word);
    expect(message.content).toContain('**Super Mario 64**');
    expect(message.embeds[0]?.description).toContain(
      `[**Super Mario 64**](https://retroachievements.org/game/1234) ${word} by **Player1**`,
    );
    expect(message.embeds[0]?.color).toBe(AWARD_COLORS[kind]);
    expectWithinDiscordLimits(message);
  });

  it('shows box art, icon, set totals and the time from first unlock to the award', () => {
    const message = renderAnnouncement(award('mastered'), urls);
    const [embed] = message.embeds;
    expect(embed?.image?.url).toBe('https://media.retroachievements.org/Images/012348.png');
    expect(embed?.thumbnail?.url).toBe('https://media.retroachievements.org/Images/012345.png');
    expect(embed?.description).toContain('in 3 days 4 hours');
    const field = (name: string) => embed?.fields?.find((f) => f.name === name)?.value ?? '';
    expect(field('Time taken')).toBe('3 days 4 hours');
    expect(field('Set')).toBe('400 points · 1,200 RetroPoints');
    expect(field('Achievements')).toBe('10/20');
    expect(field('Awarded')).toBe(`<t:${Date.parse('2025-06-04T14:30:00.000Z') / 1000}:D>`);
    expect(embed?.timestamp).toBe('2025-06-04T14:30:00.000Z');
  });

  it('leaves the duration out when the first unlock is unknown', () => {
    const payload = award('completed');
    payload.award.firstUnlockAt = null;
    const message = renderAnnouncement(payload, urls);
    expect(message.embeds[0]?.fields?.some((f) => f.name === 'Time taken')).toBe(false);
    expect(message.embeds[0]?.description).not.toContain(' in ');
  });

  it('uses the icon alone when there is no box art', () => {
    const message = renderAnnouncement(
      award('mastered', { game: { ...base().game, imageBoxArt: '' } }),
      urls,
    );
    expect(message.embeds[0]?.image).toBeUndefined();
  });

  it('never pings from a hostile user or game name, in content or embed', () => {
    const message = renderAnnouncement(
      award('mastered', {
        user: { ulid: ULID, displayName: HOSTILE.everyone, userPic: '' },
        game: { ...base().game, title: `${HOSTILE.role} ${HOSTILE.markdown} ${'x'.repeat(300)}` },
      }),
      urls,
    );
    expectWithinDiscordLimits(message);
    expect(message.content).toContain('@\u200Beveryone');
  });
});
