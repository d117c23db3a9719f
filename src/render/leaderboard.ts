/** `/leaderboard`: one page of ranked tracked users, paging buttons, and the invoker's own line. */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';
import { type Period, RANK_BY, type RankBy, type RankedEntry } from '../domain/community.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import type { RaUrls } from '../ra/urls.js';
import { safeText } from './text.js';

export const LEADERBOARD_PAGE_SIZE = 10;
export const LEADERBOARD_ID_PREFIX = 'lb';
const COLOR = 0xf1c40f;
const ENGLISH = messagesFor('en-US');
const MEDALS = ['🥇', '🥈', '🥉'];

/** What a leaderboard button carries (all of it, so a click needs no server-side state). */
export interface LeaderboardState {
  period: Period;
  by: RankBy;
  page: number;
  invokerId: string;
  /** Unix seconds: the buttons stop working 15 minutes after the command. */
  issuedAt: number;
  /** The RA user whose position is always shown (the invoker's account or the `user` option). */
  highlight: string | null;
}

const PERIOD_CODES: Readonly<Record<Period, string>> = { week: 'w', month: 'm', all: 'a' };
const BY_CODES: Readonly<Record<RankBy, string>> = { points: 'p', awards: 'a', unlocks: 'u' };

export function encodeLeaderboardId(state: LeaderboardState): string {
  return [
    LEADERBOARD_ID_PREFIX,
    PERIOD_CODES[state.period],
    BY_CODES[state.by],
    state.page,
    state.invokerId,
    state.issuedAt,
    state.highlight ?? '-',
  ].join(':');
}

export function decodeLeaderboardId(customId: string): LeaderboardState | null {
  const parts = customId.split(':');
  if (parts.length !== 7 || parts[0] !== LEADERBOARD_ID_PREFIX) return null;
  const [, p, b, page, invokerId, issuedAt, highlight] = parts as [string, ...string[]];
  const period = (Object.keys(PERIOD_CODES) as Period[]).find((k) => PERIOD_CODES[k] === p);
  const by = RANK_BY.find((k) => BY_CODES[k] === b);
  if (
    !period ||
    !by ||
    !/^\d{1,4}$/.test(page!) ||
    !/^\d{1,20}$/.test(invokerId!) ||
    !/^\d{1,12}$/.test(issuedAt!)
  )
    return null;
  if (!/^[0-9A-Za-z]{1,26}$/.test(highlight!) && highlight !== '-') return null;
  return {
    period,
    by,
    page: Number(page),
    invokerId: invokerId!,
    issuedAt: Number(issuedAt),
    highlight: highlight === '-' ? null : highlight!,
  };
}

function scoreText(entry: RankedEntry, by: RankBy, m: Messages): string {
  if (by === 'points') return m.t('announce.points', { count: entry.points });
  if (by === 'unlocks') return m.t('leaderboard.unlocks', { count: entry.unlocks ?? 0 });
  return m.t('leaderboard.awards', { mastered: entry.masteries, beaten: entry.beaten });
}

function line(entry: RankedEntry, by: RankBy, urls: RaUrls, highlighted: boolean, m: Messages): string {
  const rank = entry.rank <= 3 ? MEDALS[entry.rank - 1]! : `\`#${entry.rank}\``;
  const name = `[${safeText(entry.displayName, 40, { singleLine: true, fallback: m.t('common.someone') })}](${urls.userById(entry.ulid)})`;
  const text = `${rank} ${name} · ${scoreText(entry, by, m)}`;
  return highlighted ? `**${text}** ◀` : text;
}

export interface LeaderboardView {
  ranked: readonly RankedEntry[];
  state: LeaderboardState;
  urls: RaUrls;
  /** Tracked users on the server (ranked or not). */
  trackedCount: number;
  /** Display name of `state.highlight` when it is tracked here, for the "not ranked" line. */
  highlightName: string | null;
  /** All time: when the oldest totals shown were read (epoch ms), and how many are not read yet. */
  allTime?: { oldestRefresh: number | null; notLoaded: number };
  /** The reader's language (default English). */
  messages?: Messages;
}

export function pageCount(rankedCount: number): number {
  return Math.max(1, Math.ceil(rankedCount / LEADERBOARD_PAGE_SIZE));
}

export function renderLeaderboard(view: LeaderboardView): {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
} {
  const { ranked, state, urls } = view;
  const m = view.messages ?? ENGLISH;
  const pages = pageCount(ranked.length);
  const page = Math.min(Math.max(0, state.page), pages - 1);
  const shown = ranked.slice(page * LEADERBOARD_PAGE_SIZE, (page + 1) * LEADERBOARD_PAGE_SIZE);
  const lines = shown.map((e) => line(e, state.by, urls, e.ulid === state.highlight, m));
  if (state.highlight && !shown.some((e) => e.ulid === state.highlight)) {
    const own = ranked.find((e) => e.ulid === state.highlight);
    if (own) lines.push('…', line(own, state.by, urls, true, m));
    else if (view.highlightName) {
      lines.push(
        '',
        m.t('leaderboard.notRanked', {
          name: `**${safeText(view.highlightName, 40, { singleLine: true })}**`,
        }),
      );
    }
  }
  if (ranked.length === 0) {
    lines.unshift(
      view.trackedCount === 0
        ? m.t('admin.nobodyTracked')
        : state.period === 'all' && (view.allTime?.notLoaded ?? 0) > 0
          ? m.t('leaderboard.notRead')
          : m.t('leaderboard.nothingCounted'),
    );
  }
  const unranked = view.trackedCount - ranked.length;
  const footer = [m.t('leaderboard.page', { page: page + 1, pages })];
  if (unranked > 0 && ranked.length > 0) footer.push(m.t('leaderboard.unranked', { count: unranked }));
  if (state.period === 'all') footer.push(m.t('leaderboard.footerAll'));
  else footer.push(m.t('leaderboard.footerCounted'));
  const embed: APIEmbed = {
    title: m.t('leaderboard.title', {
      period: m.t(`leaderboard.period.${state.period}`),
      by: m.t(`leaderboard.by.${state.by}`),
    }),
    description: lines.join('\n'),
    color: COLOR,
    footer: { text: footer.join(' · ') },
  };
  if (view.allTime?.oldestRefresh) embed.timestamp = new Date(view.allTime.oldestRefresh).toISOString();
  const components: APIActionRowComponent<APIButtonComponent>[] =
    pages > 1
      ? [
          {
            type: 1,
            components: [
              button(m.t('leaderboard.previous'), { ...state, page: page - 1 }, page === 0),
              button(m.t('progress.next'), { ...state, page: page + 1 }, page >= pages - 1),
            ],
          },
        ]
      : [];
  return { embeds: [embed], components };
}

function button(label: string, state: LeaderboardState, disabled: boolean): APIButtonComponent {
  // A disabled button still needs a unique id: keep the page in range.
  return {
    type: 2,
    style: 2,
    label,
    custom_id: encodeLeaderboardId({ ...state, page: Math.max(0, state.page) }) + (disabled ? ':x' : ''),
    disabled,
  };
}
