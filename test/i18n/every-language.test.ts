/**
 * Every kind of post and reply the catalogue covers, rendered in every language the bot speaks
 * and in a pseudo-locale (each sentence twice as long, every letter accented): each stays within
 * Discord's limits (the same checks the fake Discord makes), and in the pseudo-locale no plain
 * English word is left, which would be a sentence built outside the catalogue.
 *
 * Outside data here is Japanese on purpose: the only Latin letters a reader sees then come from
 * the bot itself.
 */
import { describe, expect, it } from 'vitest';
import type { AnnouncementPayload, PayloadAchievement, PayloadBase } from '../../src/domain/announcements.js';
import type { AotwData, DigestPayload, RankedEntry } from '../../src/domain/community.js';
import { createMessages, type Messages, messagesFor, SUPPORTED_LOCALES } from '../../src/i18n/index.js';
import { en } from '../../src/i18n/locales/en.js';
import { renderSettings, renderTrackList } from '../../src/render/admin.js';
import { renderAnnouncement } from '../../src/render/announce.js';
import { renderAotwPost, renderAotwStatus, renderDigest } from '../../src/render/community.js';
import { renderGamePicker } from '../../src/render/game.js';
import { renderLeaderboard } from '../../src/render/leaderboard.js';
import * as link from '../../src/render/links.js';
import { renderProfileCard } from '../../src/render/profile.js';
import { type BrowseFilter, renderAchievementPage, renderProgress } from '../../src/render/progress.js';
import {
  followLine,
  renderFollowersEmbed,
  renderSpeedEmbed,
  renderTrackListReply,
} from '../../src/render/speed.js';
import { safeText } from '../../src/render/text.js';
import { describeIssues, validateCommandList, validateMessageCreate } from '../fakes/discord/validate.js';
import { achievement, earned, game, INVOKER, NOW, profile, ULID, urls } from '../render/fixtures.js';
import { expectWithinDiscordLimits, type RenderedMessage } from '../render/limits.js';

const ACCENTED: Record<string, string> = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c, i) => [
    c,
    [...'áƀçďéƒĝĥíĵķĺɱñóþǫŕšţúṽŵẋýžÁƁÇĎÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ'][i] as string,
  ]),
);

/** Accents every letter outside `{{placeholders}}`. */
function accent(text: string): string {
  return text
    .split(/(\{\{[^}]*\}\})/)
    .map((part) => (part.startsWith('{{') ? part : [...part].map((c) => ACCENTED[c] ?? c).join('')))
    .join('');
}

/** The pseudo-locale: every English sentence accented and said twice (German and French run long). */
const pseudo = createMessages(
  'en',
  Object.fromEntries(
    Object.entries(en).map(([key, text]) => [key, `${accent(text)} ${accent(text)}`]),
  ) as unknown as typeof en,
);

const READERS: [string, Messages][] = [
  ...SUPPORTED_LOCALES.map((l): [string, Messages] => [l, messagesFor(l)]),
  ['pseudo', pseudo],
];

// --- outside data: Japanese, long where a field can be long ------------------------------------------

const JP = 'スーパーマリオ';
const LONG = 'ゲーム'.repeat(100);
const NAME = 'プレイヤー';

const payloadBase = (): PayloadBase => ({
  version: 1,
  user: { ulid: ULID, displayName: NAME, userPic: '/UserPic/x.png' },
  game: {
    id: 1234,
    title: LONG,
    consoleName: 'ニンテンドー',
    imageIcon: '/Images/012345.png',
    imageBoxArt: '/Images/012348.png',
    numAchievements: 1234,
    totalPoints: 40_000,
    totalRetroPoints: 120_000,
    numDistinctPlayers: 100_000,
  },
  progress: {
    numAwardedToUser: 1200,
    numAwardedToUserHardcore: 1000,
    userCompletion: 60,
    userCompletionHardcore: 50,
    pointsEarned: 24_000,
    pointsEarnedHardcore: 20_000,
  },
});

const cheevo = (id: number, extra: Partial<PayloadAchievement> = {}): PayloadAchievement => ({
  id,
  title: LONG,
  description: LONG,
  points: 1,
  retroPoints: 2500,
  badgeName: '00101',
  type: null,
  hardcore: true,
  upgrade: false,
  at: '2025-06-01T10:00:00.000Z',
  numAwarded: 32,
  numAwardedHardcore: 11,
  numDistinctPlayers: 100_000,
  aotw: true,
  ...extra,
});

function announcements(): AnnouncementPayload[] {
  const list: AnnouncementPayload[] = [
    { ...payloadBase(), kind: 'unlock', achievement: cheevo(1) },
    { ...payloadBase(), kind: 'unlock', achievement: cheevo(2, { upgrade: true, hardcore: true }) },
    { ...payloadBase(), kind: 'unlock', achievement: cheevo(3, { hardcore: false }) },
    {
      ...payloadBase(),
      kind: 'unlock-bundle',
      achievements: Array.from({ length: 60 }, (_, i) => cheevo(i + 1, { hardcore: i % 2 === 0 })),
    },
  ];
  for (const kind of ['mastered', 'completed', 'beaten-hardcore', 'beaten-softcore'] as const) {
    for (const again of [false, true]) {
      list.push({
        ...payloadBase(),
        kind: 'award',
        award: {
          kind,
          at: '2026-06-04T14:30:00.000Z',
          firstUnlockAt: '2025-06-01T10:00:00.000Z',
          again,
          milestone: { count: 1001, yearCount: 22, year: 2026 },
        },
      });
    }
  }
  return list;
}

const digest: DigestPayload = {
  version: 1,
  kind: 'digest',
  from: '2025-05-25T00:00:00.000Z',
  to: '2025-06-01T00:00:00.000Z',
  timeZone: 'UTC',
  trackedCount: 1500,
  gainers: Array.from({ length: 10 }, (_, i) => ({
    ulid: ULID,
    displayName: NAME,
    points: 1234 * (10 - i),
    unlocks: 1,
    rank: i + 1,
  })),
  awards: Array.from({ length: 40 }, (_, i) => ({
    ulid: ULID,
    displayName: NAME,
    gameId: i + 1,
    gameTitle: i === 0 ? null : JP,
    kind: (['mastered', 'completed', 'beaten-hardcore', 'beaten-softcore'] as const)[i % 4] ?? 'mastered',
    at: 0,
  })),
  moreAwards: 12,
  rarest: {
    ulid: ULID,
    displayName: NAME,
    achievementId: 9,
    title: LONG,
    points: 1,
    badgeName: '1',
    gameId: 1,
    gameTitle: LONG,
    numAwarded: 1,
    numDistinctPlayers: 100_000,
    hardcore: true,
  },
  mostPlayed: {
    gameId: 1,
    title: LONG,
    consoleName: 'ニンテンドー',
    imageIcon: null,
    players: 1,
    unlocks: 5000,
  },
};

const aotw: AotwData = {
  achievement: { id: 9, title: LONG, description: LONG, points: 10, retroPoints: 25, badgeName: '1' },
  game: { id: 1, title: LONG },
  consoleName: 'ニンテンドー',
  startAt: '2025-06-01T00:00:00.000Z',
  totalPlayers: 1,
  unlocksCount: 1,
  unlocksHardcoreCount: 1,
  unlocks: [],
} as unknown as AotwData;

function progressGame() {
  const list = Array.from({ length: 400 }, (_, i) =>
    i % 2 === 0
      ? earned(i + 1, new Date(NOW.getTime() - i * 3600_000), i % 4 === 0, {
          title: LONG,
          description: LONG,
          type: 'progression',
        })
      : achievement(i + 1, {
          title: LONG,
          description: LONG,
          type: i % 3 === 0 ? 'missable' : 'win_condition',
        }),
  );
  return game(list, {
    title: LONG,
    consoleName: 'ニンテンドー',
    numDistinctPlayers: 1,
    highestAwardKind: 'beaten-hardcore',
    highestAwardDate: NOW,
  });
}

const ranked: RankedEntry[] = Array.from({ length: 25 }, (_, i) => ({
  ulid: `${ULID.slice(0, 24)}${String(i).padStart(2, '0')}`,
  displayName: NAME,
  points: 1234 * (25 - i),
  unlocks: 1,
  masteries: 1000,
  beaten: 2000,
  refreshedAt: null,
  rank: i + 1,
}));

/** Every message and reply, as the fake Discord would receive it. */
function everything(m: Messages): [string, RenderedMessage][] {
  const out: [string, RenderedMessage][] = [];
  for (const [i, payload] of announcements().entries()) {
    out.push([`announcement ${i} (${payload.kind})`, renderAnnouncement(payload, urls, { messages: m })]);
  }
  out.push(['digest', renderDigest(digest, urls, m)]);
  out.push([
    'digest, quiet week',
    renderDigest({ ...digest, gainers: [], awards: [], rarest: null, mostPlayed: null }, urls, m),
  ]);
  out.push(['aotw post', renderAotwPost({ version: 1, kind: 'aotw', aotw }, urls, m)]);
  for (const [name, input] of [
    [
      'aotw status',
      { aotw, holders: [{ ulid: ULID, displayName: NAME, hardcore: true }], trackedCount: 3, checkedAt: NOW },
    ],
    ['aotw status, no holder', { aotw, holders: [], trackedCount: 3, checkedAt: NOW }],
    ['aotw status, nobody tracked', { aotw, holders: [], trackedCount: 0, checkedAt: NOW }],
    ['aotw status, none set', { aotw: null, holders: [], trackedCount: 3, checkedAt: NOW }],
    ['aotw status, not read', { aotw: null, holders: [], trackedCount: 3, checkedAt: null }],
  ] as const) {
    out.push([name, { embeds: [renderAotwStatus({ ...input, urls, messages: m })] }]);
  }
  const g = progressGame();
  const who = profile({ user: NAME });
  out.push([
    'progress',
    renderProgress({
      profile: who,
      game: g,
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: true,
      messages: m,
    }),
  ]);
  out.push([
    'progress, empty set',
    renderProgress({
      profile: who,
      game: game([], { title: JP, consoleName: '' }),
      urls,
      now: NOW,
      invokerId: INVOKER,
      badgeGrid: false,
      messages: m,
    }),
  ]);
  for (const filter of ['all', 'earned', 'locked'] as BrowseFilter[]) {
    for (const page of [0, 39]) {
      const state = { invokerId: INVOKER, user: ULID, gameId: g.id, filter, page, issuedAt: 1 };
      out.push([
        `page ${filter} ${page}`,
        renderAchievementPage({
          profile: who,
          game: g,
          urls,
          state,
          now: NOW,
          summaryButton: true,
          messages: m,
        }),
      ]);
    }
    const empty = { invokerId: INVOKER, user: ULID, gameId: 1, filter, page: 0, issuedAt: 1 };
    out.push([
      `empty page ${filter}`,
      renderAchievementPage({
        profile: who,
        game: game([achievement(1, { title: JP, description: JP })], { title: JP }),
        urls,
        state: empty,
        now: NOW,
        messages: m,
      }),
    ]);
  }
  out.push([
    'profile',
    renderProfileCard({
      summary: {
        user: NAME,
        ulid: ULID,
        userPic: '/UserPic/x.png',
        motto: LONG,
        totalPoints: 123_456,
        totalSoftcorePoints: 1,
        totalTruePoints: 1_234_567,
        rank: 1234,
        totalRanked: 100_000,
        memberSince: NOW,
        richPresenceMsg: LONG,
        lastGame: { id: 1, title: LONG, consoleName: 'ニンテンドー', imageIcon: '/Images/1.png' },
        recentUnlocks: Array.from({ length: 5 }, (_, i) => ({
          achievementId: i + 1,
          title: LONG,
          points: i,
          badgeName: '1',
          gameId: 1,
          gameTitle: LONG,
          hardcore: i % 2 === 0,
          date: NOW,
        })),
      },
      awards: {
        masteries: 1,
        completions: 1000,
        beatenHardcore: 2,
        beatenSoftcore: 3,
        visible: (['mastered', 'completed', 'beaten-hardcore', 'beaten-softcore'] as const).map(
          (kind, i) => ({
            awardedAt: NOW,
            kind,
            gameId: i + 1,
            title: LONG,
            consoleName: 'ニンテンドー',
            imageIcon: '/Images/1.png',
          }),
        ),
      },
      urls,
      messages: m,
    }),
  ]);
  out.push([
    'game picker',
    {
      embeds: [],
      ...renderGamePicker(
        JP,
        [
          { id: 1, title: JP, consoleName: 'ニンテンドー' },
          { id: 2, title: '', consoleName: '' },
        ],
        (id) => `pick:${id}`,
        m,
      ),
    },
  ]);
  for (const period of ['week', 'month', 'all'] as const) {
    for (const by of ['points', 'awards', 'unlocks'] as const) {
      const state = { period, by, page: 1, invokerId: INVOKER, issuedAt: 1, highlight: ranked[24]!.ulid };
      out.push([
        `leaderboard ${period} ${by}`,
        renderLeaderboard({ ranked, state, urls, trackedCount: 30, highlightName: NAME, messages: m }),
      ]);
      out.push([
        `leaderboard ${period} ${by}, empty`,
        renderLeaderboard({ ranked: [], state, urls, trackedCount: 3, highlightName: NAME, messages: m }),
      ]);
    }
  }
  out.push([
    'leaderboard, nobody',
    renderLeaderboard({
      ranked: [],
      state: { period: 'week', by: 'points', page: 0, invokerId: INVOKER, issuedAt: 1, highlight: null },
      urls,
      trackedCount: 0,
      highlightName: null,
      messages: m,
    }),
  ]);
  out.push([
    'settings',
    {
      embeds: [
        renderSettings({
          settings: {
            defaultChannelId: null,
            managerRoleId: null,
            announceUnlocks: true,
            announceAwards: false,
            announceSoftcore: true,
          },
          tracked: 1234,
          cap: 5000,
          now: NOW.getTime(),
          outbox: {
            pending: 1,
            failed: 2,
            recentFailures: [{ channelId: '1', code: 50013, reason: LONG, at: 0, count: 2 }],
            delayed: Array.from({ length: 20 }, (_, i) => ({
              channelId: String(i + 1),
              count: 3,
              since: 0,
              nextAttemptAt: i % 2 ? 0 : NOW.getTime() + 1,
              lastError: i % 3 ? null : LONG,
            })),
          },
          failingGames: Array.from({ length: 20 }, () => ({
            displayName: NAME,
            gameId: 1,
            since: 0,
            failures: 4,
            lastError: LONG,
          })),
          language: { name: 'ドイツ語', chosen: false },
          messages: m,
        }),
      ],
    },
  ]);
  for (const [name, bot, followers] of [
    ['speed', { name: 'ボット', profileUrl: 'https://ra.example/user/bot' }, 3],
    ['speed, followers not read', { name: 'ボット', profileUrl: 'https://ra.example/user/bot' }, null],
    ['speed, no bot account', null, null],
  ] as const) {
    out.push([
      name,
      {
        embeds: [
          renderSpeedEmbed({
            latency: { count: 1234, medianMs: 5400_000, p95Ms: 90_000 },
            polling: {
              users: 1500,
              hot: 3,
              hotIntervalMs: 30_000,
              typicalGapMs: name === 'speed' ? 600_000 : null,
            },
            pollCron: '*/5 * * * *',
            watched: followers === null ? null : { follows: followers, followed: 2, either: followers + 1 },
            tracked: 1500,
            bot,
            messages: m,
          }),
        ],
      },
    ]);
  }
  out.push([
    'speed, quiet',
    {
      embeds: [
        renderSpeedEmbed({
          latency: { count: 0, medianMs: null, p95Ms: null },
          polling: null,
          pollCron: '* * * * *',
          watched: null,
          tracked: 0,
          bot: null,
          messages: m,
        }),
      ],
    },
  ]);
  out.push([
    'track list',
    {
      embeds: [
        renderTrackList({
          users: Array.from({ length: 300 }, () => ({
            ulid: ULID,
            displayName: NAME,
            channelId: null,
            trackedSince: 0,
          })),
          defaultChannelId: null,
          urls,
          messages: m,
        }),
      ],
    },
  ]);
  out.push([
    'track list, nobody',
    { embeds: [renderTrackList({ users: [], defaultChannelId: '1', urls, messages: m })] },
  ]);
  out.push(...linkReplies(m), ...tracking(m));
  return out;
}

const BOT = { name: 'ボット', profileUrl: 'https://ra.example/user/bot' };
const text = (content: string): RenderedMessage => ({ content, embeds: [] });
/** What the commands bold (names as they pass them in). */
const bold = (name: string) => `**${safeText(name, 64, { singleLine: true })}**`;

/** /link and its follow proof, as the member sees each step; /link's other replies. */
function linkReplies(m: Messages): [string, RenderedMessage][] {
  const account = bold(NAME);
  const out: [string, RenderedMessage][] = [];
  for (const phase of ['checking', 'await-follow', 'await-unfollow'] as const) {
    out.push([
      `link proof, ${phase}`,
      text(link.proofInstructions({ account: NAME, botName: BOT.name, botUrl: BOT.profileUrl, phase }, m)),
    ]);
  }
  out.push(['link proof, unfollow seen', text(link.proofSawUnfollow(NAME, BOT.name, BOT.profileUrl, m))]);
  out.push(['link proof, linked', text(link.linkedMessage(NAME, INVOKER, true, m))]);
  out.push(['link by hand, linked', text(link.linkedMessage(NAME, INVOKER, false, m))]);
  out.push(['link proof, taken', text(`❌ ${link.linkTakenMessage(NAME, m)}`)]);
  for (const listRead of [true, false]) {
    out.push([
      `link proof, expired (${listRead})`,
      text(link.proofExpired(NAME, BOT.name, BOT.profileUrl, listRead, m)),
    ]);
  }
  out.push(['link show, linked and pending', text(link.linkShow(NAME, NOW.getTime(), NAME, m))]);
  out.push(['link show, linked, no date', text(link.linkShow(NAME, null, null, m))]);
  out.push(['link show, none', text(link.linkShow(null, null, null, m))]);
  const member = `<@${INVOKER}>`;
  out.push(['link show, other member', text(m.t('link.showOther', { member, account }))]);
  out.push(['link show, other member, none', text(m.t('link.showOtherNone', { member }))]);
  out.push(['link, bot member', text(m.t('link.noBots'))]);
  out.push(['link by hand, taken', text(m.t('link.takenByHand', { account }))]);
  out.push(['link, no bot account', text(m.t('link.noBotAccount'))]);
  out.push(['link, the bot itself', text(m.t('link.isBot'))]);
  out.push(['link, already', text(m.t('link.already', { account }))]);
  out.push(['link, busy', text(m.t('link.busy', { account, minutes: link.PROOF_MINUTES }))]);
  return out;
}

/** /track add (with its watched line), remove, list's second embed, and /track me. */
function tracking(m: Messages): [string, RenderedMessage][] {
  const account = bold(NAME);
  const channel = '<#123456789012345678>';
  const out: [string, RenderedMessage][] = [];
  const states = [
    ['watched both ways', { follows: true, followed: true }],
    ['follows', { follows: true, followed: false }],
    ['followed', { follows: false, followed: true }],
    ['not watched', { follows: false, followed: false }],
    ['unknown', { follows: null, followed: false }],
  ] as const;
  for (const [created, reply] of [
    [true, m.t('track.added', { account, channel })],
    [false, m.t('track.already', { account, channel })],
  ] as const) {
    for (const [name, state] of states) {
      out.push([
        `track add (${created ? 'new' : 'again'}), ${name}`,
        text(`${reply}\n${followLine(NAME, state, BOT, m)}`),
      ]);
    }
  }
  out.push([
    'track add, no bot account',
    text(m.t('track.added', { account, channel }) + followLine(NAME, states[0][1], null, m)),
  ]);
  out.push(['track add, no channel', text(m.t('track.noChannel'))]);
  out.push(['track add, full', text(m.t('track.full', { cap: 5000 }))]);
  out.push(['track remove', text(m.t('track.removed', { account }))]);
  out.push(['track remove, unknown', text(m.t('track.notTracked', { account }))]);
  const users = Array.from({ length: 300 }, (_, i) => ({
    ulid: `${ULID.slice(0, 23)}${String(i).padStart(3, '0')}`,
    displayName: NAME,
  }));
  const some = (step: number) =>
    new Set(users.filter((_, i) => i % step === 0).map((u) => u.ulid.toUpperCase()));
  for (const [name, followers, followed, bot] of [
    ['track list, watched', some(2), some(3), BOT],
    ['track list, nobody watched', new Set<string>(), new Set<string>(), BOT],
    ['track list, everybody watched', some(1), some(1), BOT],
    ['track list, followers not read', null, some(3), BOT],
    ['track list, no bot account', null, null, null],
  ] as const) {
    out.push([name, { embeds: [renderFollowersEmbed({ users, followers, followed, bot, messages: m })] }]);
  }
  // The whole /track list reply: both embeds share Discord's 6,000 characters.
  const listed = users.map((u) => ({ ...u, channelId: null, trackedSince: 0 }));
  out.push([
    'track list, whole reply',
    {
      embeds: renderTrackListReply(
        { users: listed, defaultChannelId: null, urls, messages: m },
        { users, followers: new Set(), followed: some(5), bot: BOT, messages: m },
      ),
    },
  ]);
  out.push(['track me, not linked', text(m.t('trackMe.needsLink', { hint: m.t('errors.linkHint') }))]);
  out.push(['track me remove, not tracked', text(m.t('trackMe.notTracked', { account }))]);
  out.push(['track me remove', text(m.t('trackMe.stopped', { account }))]);
  out.push(['track me, not allowed', text(m.t('trackMe.notAllowed'))]);
  out.push(['track me, already', text(m.t('trackMe.already', { account }))]);
  out.push(['track me, no channel', text(m.t('trackMe.noChannel'))]);
  out.push(['track me, full', text(m.t('trackMe.full', { cap: 5000 }))]);
  out.push(['track me', text(m.t('trackMe.started', { account, channel }))]);
  return out;
}

/** What a reader sees as words: content, embed text and button labels, without links, mentions and timestamps. */
function visibleText(message: RenderedMessage): string {
  const parts: string[] = [message.content ?? ''];
  for (const e of message.embeds) {
    parts.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '', e.author?.name ?? '');
    for (const f of e.fields ?? []) parts.push(f.name, f.value);
  }
  for (const row of message.components ?? [])
    for (const c of row.components) parts.push((c as { label?: string }).label ?? '');
  return parts
    .join('\n')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/<(t:\d+(:\w)?|@[!&]?\d+|#\d+)>/g, '');
}

describe('every post and reply in every language', () => {
  for (const [locale, m] of READERS) {
    it(`stays within Discord's limits in ${locale}`, () => {
      for (const [name, message] of everything(m)) {
        try {
          // /settings and /track list name channels, /link replies members, on purpose (sent
          // with no pings): same length, no mention.
          const json = JSON.stringify(message).replace(/<(#|@)(\d+)>/g, '$1$2__');
          expectWithinDiscordLimits(JSON.parse(json) as RenderedMessage);
        } catch (error) {
          throw new Error(`${locale}, ${name}: ${(error as Error).message}`);
        }
      }
    });
  }

  it("passes the fake Discord's own body validation in every language", () => {
    const refused: string[] = [];
    for (const [locale, m] of READERS) {
      for (const [name, message] of everything(m)) {
        const issues = validateMessageCreate({ ...message, allowed_mentions: { parse: [] } });
        if (issues.length > 0) refused.push(`${locale}, ${name}: ${describeIssues(issues).join('; ')}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('registers every slash command, localized, as the fake Discord accepts it', async () => {
    const { createCommands } = await import('../../commands/index.js');
    const body = createCommands().map((c) => c.data);
    expect(describeIssues(validateCommandList(body))).toEqual([]);
  });

  it('leaves nothing untranslated: in the pseudo-locale no plain English word remains', () => {
    const leftovers = everything(pseudo)
      .map(([name, message]) => [name, visibleText(message).match(/[A-Za-z]{3,}/g) ?? []] as const)
      .filter(([, words]) => words.length > 0);
    expect(leftovers).toEqual([]);
  });

  it('says each language’s own words (a spot check per language)', () => {
    const unlock = (m: Messages) =>
      renderAnnouncement(announcements()[0]!, urls, { messages: m }).embeds[0]!.author!.name;
    expect(unlock(messagesFor('en-GB'))).toBe(`${NAME} unlocked an achievement`);
    expect(unlock(messagesFor('pt-BR'))).toBe(`${NAME} desbloqueou uma conquista`);
    expect(unlock(messagesFor('es-419'))).toBe(`${NAME} desbloqueó un logro`);
    expect(unlock(messagesFor('fr'))).toBe(`${NAME} a débloqué un succès`);
    expect(unlock(messagesFor('de'))).toBe(`${NAME} hat einen Erfolg freigeschaltet`);
  });
});
