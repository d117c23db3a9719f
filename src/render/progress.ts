/**
 * `/progress`: a user's progress in one game as a summary embed, and the paged achievement list
 * behind its "Browse" buttons. Pure: data in, Discord payloads out.
 *
 * Paging keeps no server-side state: every button's custom_id carries what the next render needs
 * (see `encodeBrowseId`), so a restart or a second process can answer any button.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import { type Achievement, type GameProgress, isEarned, type UserProfile } from '../ra/types.js';
import type { RaUrls } from '../ra/urls.js';
import { AWARD_COLORS, AWARD_EMOJI, discordTimestamp, formatPercent } from './style.js';
import { EMBED_LIMITS, fitEmbeds, joinLinesWithin, plainText, progressBar, safeText } from './text.js';

export { AWARD_COLORS } from './style.js';

/** The file name the badge grid is attached under; the embed points at it. */
export const BADGE_GRID_ATTACHMENT = 'badges.png';

export type MessageActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

// ---------------------------------------------------------------------------------------------
// Browse ids
// ---------------------------------------------------------------------------------------------

export type BrowseFilter = 'all' | 'earned' | 'locked';

/** What a "Browse" button needs to render its page later, without server-side state. */
export interface BrowseState {
  /** Discord user who ran /progress; the handler may refuse clicks from others. */
  invokerId: string;
  /** RA user as a ULID (preferred: survives renames) or username. */
  user: string;
  gameId: number;
  filter: BrowseFilter;
  /** Zero-based. */
  page: number;
  /** Unix seconds when the button was issued, so the handler can expire old ones. */
  issuedAt: number;
}

/**
 * Which button was pressed. Needed on top of the state because two buttons can lead to the same
 * state (on page 1, "first" and "prev" both point at page 1) yet custom_ids must be unique.
 * `summary` means "show the summary again"; every other action means "show `state`'s page".
 */
export type BrowseAction = 'first' | 'prev' | 'next' | 'last' | 'all' | 'earned' | 'locked' | 'summary';

/** custom_id prefix; the /progress command routes buttons starting with `${BROWSE_ID_PREFIX}:` to itself. */
export const BROWSE_ID_PREFIX = 'progress';
const BROWSE_ID_VERSION = '1';

const ACTION_CODES: Readonly<Record<BrowseAction, string>> = {
  first: 'f',
  prev: 'p',
  next: 'n',
  last: 'l',
  all: 'a',
  earned: 'e',
  locked: 'k',
  summary: 's',
};
const FILTER_CODES: Readonly<Record<BrowseFilter, string>> = { all: 'a', earned: 'e', locked: 'l' };

function invert<K extends string>(record: Readonly<Record<K, string>>): ReadonlyMap<string, K> {
  return new Map(Object.entries(record).map(([key, code]) => [code as string, key as K]));
}
const ACTIONS_BY_CODE = invert(ACTION_CODES);
const FILTERS_BY_CODE = invert(FILTER_CODES);

const SNOWFLAKE = /^[1-9][0-9]{0,19}$/;
/** RA usernames are 2-20 letters/digits, ULIDs 26; 32 leaves room yet keeps the id <= 100. */
const BROWSE_USER = /^[A-Za-z0-9]{1,32}$/;
const BASE36 = /^[0-9a-z]{1,11}$/;
/** Four base-36 digits: far beyond any set's page count. */
const MAX_PAGE = 36 ** 4 - 1;

function isEncodable(state: BrowseState): boolean {
  return (
    SNOWFLAKE.test(state.invokerId) &&
    BROWSE_USER.test(state.user) &&
    Number.isSafeInteger(state.gameId) &&
    state.gameId > 0 &&
    state.filter in FILTER_CODES &&
    Number.isSafeInteger(state.page) &&
    state.page >= 0 &&
    state.page <= MAX_PAGE &&
    Number.isSafeInteger(state.issuedAt) &&
    state.issuedAt >= 0 &&
    state.issuedAt < 36 ** 8
  );
}

/**
 * `progress:1<action>:<invokerId>:<user>:<gameId b36>:<filter a|e|l>:<page b36>:<issuedAt b36>`,
 * e.g. `progress:1n:123456789012345678:01H8XGJWBWBAQ4Z4G1PRYNMPSG:ix:e:3:shxk5c`.
 * At most 9 + 3 + 21 + 33 + 12 + 2 + 5 + 8 = 93 characters. Throws RangeError for a state that
 * can't be encoded (a user outside [A-Za-z0-9]{1,32}, a negative page, ...).
 */
export function encodeBrowseId(state: BrowseState, action: BrowseAction = 'all'): string {
  if (!isEncodable(state)) throw new RangeError('browse state cannot be encoded in a custom_id');
  return [
    BROWSE_ID_PREFIX,
    BROWSE_ID_VERSION + ACTION_CODES[action],
    state.invokerId,
    state.user,
    state.gameId.toString(36),
    FILTER_CODES[state.filter],
    state.page.toString(36),
    state.issuedAt.toString(36),
  ].join(':');
}

export interface DecodedBrowseId extends BrowseState {
  action: BrowseAction;
}

/** The state and action of a browse custom_id; null for anything this module did not produce. */
export function decodeBrowseId(customId: string): DecodedBrowseId | null {
  if (typeof customId !== 'string' || customId.length > 100) return null;
  const parts = customId.split(':');
  if (parts.length !== 8) return null;
  const [prefix, versionAction, invokerId, user, game36, filterCode, page36, issued36] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (prefix !== BROWSE_ID_PREFIX || versionAction.length !== 2 || versionAction[0] !== BROWSE_ID_VERSION) {
    return null;
  }
  const action = ACTIONS_BY_CODE.get(versionAction.slice(1));
  const filter = FILTERS_BY_CODE.get(filterCode);
  if (!action || !filter) return null;
  if (!BASE36.test(game36) || !BASE36.test(page36) || !BASE36.test(issued36)) return null;
  const state: DecodedBrowseId = {
    action,
    invokerId,
    user,
    gameId: Number.parseInt(game36, 36),
    filter,
    page: Number.parseInt(page36, 36),
    issuedAt: Number.parseInt(issued36, 36),
  };
  // Re-encoding must give the same id: rejects leading zeros, out-of-range numbers, bad users.
  return isEncodable(state) && encodeBrowseId(state, action) === customId ? state : null;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

export interface ProgressInput {
  profile: UserProfile;
  game: GameProgress;
  urls: RaUrls;
  now: Date;
  invokerId: string;
  /** Whether a grid image will be attached as `attachment://badges.png`. */
  badgeGrid: boolean;
  /** The reader's language (default English). */
  messages?: Messages;
}

const ENGLISH = messagesFor('en-US');

export interface ProgressReply {
  embeds: APIEmbed[];
  components: MessageActionRow[];
  /** Name of the file the caller must attach (the badge grid), or null. */
  attachmentName: string | null;
}

/** The most recent unlock time (a hardcore unlock after a softcore one counts as new). */
function lastUnlockAt(a: Achievement): Date | null {
  const times = [a.earnedAt, a.earnedHardcoreAt].filter((d): d is Date => d !== null);
  return times.length === 0 ? null : new Date(Math.max(...times.map((d) => d.getTime())));
}

function authorOf(profile: UserProfile, urls: RaUrls, m: Messages): NonNullable<APIEmbed['author']> {
  return {
    name: plainText(profile.user, EMBED_LIMITS.authorName, () => m.t('profile.anonymousUser')),
    icon_url: urls.avatar(profile.userPic || profile.user),
    url: profile.ulid ? urls.userById(profile.ulid) : urls.user(profile.user),
  };
}

function gameTitle(game: GameProgress, max: number, m: Messages): string {
  return safeText(game.title, max, { singleLine: true, fallback: () => m.t('common.game', { id: game.id }) });
}

/** Which user string goes into custom_ids: the ULID survives renames. */
function browseUser(profile: UserProfile): string {
  return BROWSE_USER.test(profile.ulid) ? profile.ulid : profile.user;
}

function unixSeconds(now: Date): number {
  const t = Math.floor(now.getTime() / 1000);
  return Number.isSafeInteger(t) && t >= 0 ? t : 0;
}

function pointsLabel(points: number, m: Messages): string {
  return m.t('common.points', { count: points });
}

function modeMarker(a: Achievement, m: Messages): string {
  return m.t(a.earnedHardcoreAt ? 'common.hardcore' : 'common.softcore');
}

function button(
  customId: string,
  label: string,
  options: { style?: APIButtonComponentWithCustomId['style']; disabled?: boolean } = {},
): APIButtonComponentWithCustomId {
  return {
    type: ComponentType.Button,
    custom_id: customId,
    label,
    style: options.style ?? ButtonStyle.Secondary,
    disabled: options.disabled ?? false,
  };
}

function row(buttons: APIButtonComponent[]): MessageActionRow {
  return { type: ComponentType.ActionRow, components: buttons };
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

interface Totals {
  earned: number;
  earnedHardcore: number;
  points: number;
  pointsEarned: number;
  pointsHardcore: number;
  retroPoints: number;
  retroPointsEarned: number;
}

/** Computed from the achievement list, which is the source of truth for what this user holds. */
function totalsOf(achievements: readonly Achievement[]): Totals {
  const t: Totals = {
    earned: 0,
    earnedHardcore: 0,
    points: 0,
    pointsEarned: 0,
    pointsHardcore: 0,
    retroPoints: 0,
    retroPointsEarned: 0,
  };
  for (const a of achievements) {
    t.points += a.points;
    t.retroPoints += a.retroPoints;
    if (isEarned(a)) {
      t.earned += 1;
      t.pointsEarned += a.points;
    }
    if (a.earnedHardcoreAt) {
      t.earnedHardcore += 1;
      t.pointsHardcore += a.points;
      // RA only grants RetroPoints for hardcore unlocks.
      t.retroPointsEarned += a.retroPoints;
    }
  }
  return t;
}

function progressValue(earned: number, total: number, m: Messages): string {
  return `${progressBar(total > 0 ? earned / total : 0)}\n${m.count(earned)}/${m.count(total)} · ${formatPercent(earned, total, m)}`;
}

function awardValue(game: GameProgress, m: Messages): string {
  if (!game.highestAwardKind) return m.t('progress.noAward');
  const when = discordTimestamp(game.highestAwardDate, 'D');
  return `${AWARD_EMOJI[game.highestAwardKind]} **${m.t(`award.label.${game.highestAwardKind}`)}**${when ? `\n${when}` : ''}`;
}

function achievementLink(a: Achievement, urls: RaUrls, titleMax: number, m: Messages): string {
  const title = safeText(a.title, titleMax, {
    singleLine: true,
    fallback: () => m.t('common.achievement', { id: a.id }),
  });
  return `[**${title}**](${urls.achievement(a.id)})`;
}

const LIST_TITLE_MAX = 80;
const LIST_LENGTH = 5;

function latestUnlocksValue(achievements: readonly Achievement[], urls: RaUrls, m: Messages): string {
  const recent = achievements
    .filter(isEarned)
    .map((a) => ({ a, at: lastUnlockAt(a)?.getTime() ?? 0 }))
    .sort((x, y) => y.at - x.at || x.a.displayOrder - y.a.displayOrder)
    .slice(0, LIST_LENGTH);
  if (recent.length === 0) return m.t('progress.noLatest');
  const lines = recent.map(({ a }) => {
    const when = discordTimestamp(lastUnlockAt(a), 'R');
    return `• ${achievementLink(a, urls, LIST_TITLE_MAX, m)} · ${pointsLabel(a.points, m)} · ${modeMarker(a, m)}${when ? ` · ${when}` : ''}`;
  });
  return joinLinesWithin(lines, EMBED_LIMITS.fieldValue, (n) => m.t('common.moreLines', { count: n }));
}

function nextLockedValue(achievements: readonly Achievement[], urls: RaUrls, m: Messages): string {
  const locked = achievements.filter((a) => !isEarned(a));
  if (locked.length === 0) return m.t('progress.allUnlocked');
  const lines = locked.slice(0, LIST_LENGTH).map((a) => {
    const tag = a.type ? ` · ${m.t(`progress.type.${a.type}`)}` : '';
    return `• ${achievementLink(a, urls, LIST_TITLE_MAX, m)} · ${pointsLabel(a.points, m)}${tag}`;
  });
  return joinLinesWithin(
    lines,
    EMBED_LIMITS.fieldValue,
    (hidden) => m.t('progress.moreLocked', { count: hidden }),
    locked.length - lines.length,
  );
}

function summaryDescription(
  game: GameProgress,
  achievements: readonly Achievement[],
  total: number,
  m: Messages,
): string {
  const players =
    game.numDistinctPlayers > 0 ? ` · ${m.t('progress.players', { count: game.numDistinctPlayers })}` : '';
  const consoleLine = `${safeText(game.consoleName, 100, { singleLine: true, fallback: () => m.t('common.unknownConsole') })}${players}`;
  if (total === 0) return `${consoleLine}\n\n${m.t('progress.noSet')}`;
  const last = achievements
    .map(lastUnlockAt)
    .reduce<Date | null>((max, d) => (d && (!max || d > max) ? d : max), null);
  const lastText = discordTimestamp(last, 'R');
  return `${consoleLine}\n${lastText ? m.t('progress.lastUnlock', { relative: lastText, date: discordTimestamp(last, 'f') ?? '' }) : m.t('progress.noUnlocksYet')}`;
}

function summaryButtons(input: ProgressInput, m: Messages): MessageActionRow | null {
  const { profile, game, invokerId, now } = input;
  if (game.achievements.length === 0) return null;
  const base = { invokerId, user: browseUser(profile), gameId: game.id, page: 0, issuedAt: unixSeconds(now) };
  const filters: [BrowseFilter, string][] = [
    ['all', m.t('progress.browse')],
    ['earned', m.t('progress.filter.earned')],
    ['locked', m.t('progress.filter.locked')],
  ];
  const buttons: APIButtonComponent[] = [];
  for (const [filter, label] of filters) {
    const state: BrowseState = { ...base, filter };
    // An un-encodable state (an odd user or invoker id) means no browse buttons, not a failed reply.
    if (!isEncodable(state)) return null;
    buttons.push(
      button(encodeBrowseId(state, filter), label, {
        style: filter === 'all' ? ButtonStyle.Primary : ButtonStyle.Secondary,
      }),
    );
  }
  return row(buttons);
}

/** The /progress summary: progress bars, points, award, latest and next unlocks. */
export function renderProgress(input: ProgressInput): ProgressReply {
  const { profile, game, urls, now, badgeGrid } = input;
  const m = input.messages ?? ENGLISH;
  const achievements = game.achievements;
  const t = totalsOf(achievements);
  const total = Math.max(achievements.length, game.numAchievements);

  const embed: APIEmbed = {
    author: authorOf(profile, urls, m),
    title: gameTitle(game, EMBED_LIMITS.title, m),
    url: urls.game(game.id),
    description: summaryDescription(game, achievements, total, m),
    color: AWARD_COLORS[game.highestAwardKind ?? 'none'],
    thumbnail: { url: urls.image(game.imageIcon) },
    footer: { text: m.t('progress.footer', { id: String(game.id) }) },
    timestamp: now.toISOString(),
  };

  if (total > 0) {
    embed.fields = [
      { name: m.t('progress.fieldSoftcore'), value: progressValue(t.earned, total, m), inline: true },
      { name: m.t('progress.fieldHardcore'), value: progressValue(t.earnedHardcore, total, m), inline: true },
      { name: m.t('progress.fieldAward'), value: awardValue(game, m), inline: true },
      {
        name: m.t('progress.fieldPoints'),
        value: `${m.t('progress.pointsLine', { earned: t.pointsEarned, total: t.points, hardcore: t.pointsHardcore })}\n${m.t('progress.retroLine', { earned: t.retroPointsEarned, total: t.retroPoints })}`,
      },
      { name: m.t('progress.fieldLatest'), value: latestUnlocksValue(achievements, urls, m) },
      { name: m.t('progress.fieldNext'), value: nextLockedValue(achievements, urls, m) },
    ];
    if (badgeGrid) embed.image = { url: `attachment://${BADGE_GRID_ATTACHMENT}` };
  }

  const buttons = summaryButtons(input, m);
  return {
    embeds: fitEmbeds([embed]),
    components: buttons ? [buttons] : [],
    attachmentName: badgeGrid && total > 0 ? BADGE_GRID_ATTACHMENT : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Paged achievement list
// ---------------------------------------------------------------------------------------------

export interface AchievementPageInput {
  profile: UserProfile;
  game: GameProgress;
  urls: RaUrls;
  state: BrowseState;
  now: Date;
  /** Achievements per page, 1-25 (default 10). */
  pageSize?: number;
  /**
   * Adds a "Summary" button (action `summary`). Off by default: only turn it on once the button
   * handler renders the summary for that action instead of a page.
   */
  summaryButton?: boolean;
  /** The reader's language (default English). */
  messages?: Messages;
}

export interface AchievementPageReply {
  embeds: APIEmbed[];
  components: MessageActionRow[];
}

function applyFilter(achievements: readonly Achievement[], filter: BrowseFilter): Achievement[] {
  if (filter === 'earned') return achievements.filter(isEarned);
  if (filter === 'locked') return achievements.filter((a) => !isEarned(a));
  return [...achievements];
}

function emptyPageText(filter: BrowseFilter, setSize: number, m: Messages): string {
  if (setSize === 0) return m.t('progress.noSet');
  if (filter === 'earned') return m.t('progress.emptyEarned');
  if (filter === 'locked') return m.t('progress.emptyLocked');
  return m.t('progress.emptyAll');
}

/**
 * One list entry: a header line (status, linked title, points, mode and date or type) and the
 * description in italics. The entry gets an equal share of the description limit, split between
 * title and description, so a page of 300-character titles still fits.
 */
function pageEntry(a: Achievement, urls: RaUrls, budget: number, m: Messages): string {
  const titleMax = Math.max(16, Math.min(100, Math.floor(budget * 0.3)));
  const parts = [
    `${isEarned(a) ? '✅' : '🔒'} ${achievementLink(a, urls, titleMax, m)}`,
    pointsLabel(a.points, m),
  ];
  if (isEarned(a)) {
    const when = discordTimestamp(lastUnlockAt(a), 'd');
    parts.push(when ? `${modeMarker(a, m)} ${when}` : modeMarker(a, m));
  }
  if (a.type) parts.push(m.t(`progress.type.${a.type}`));
  const head = parts.join(' · ');
  const descMax = Math.min(200, budget - head.length - 3);
  const description = descMax >= 12 ? safeText(a.description, descMax, { singleLine: true }) : '';
  return description ? `${head}\n*${description}*` : head;
}

function pageButtons(
  state: BrowseState,
  page: number,
  lastPage: number,
  issuedAt: number,
  summaryButton: boolean,
  m: Messages,
): MessageActionRow[] {
  const at = (p: number, filter: BrowseFilter = state.filter): BrowseState => ({
    ...state,
    filter,
    page: p,
    issuedAt,
  });
  if (!isEncodable(at(lastPage))) return [];
  const navButtons = [
    button(encodeBrowseId(at(0), 'first'), m.t('progress.first'), { disabled: page === 0 }),
    button(encodeBrowseId(at(Math.max(0, page - 1)), 'prev'), m.t('progress.prev'), { disabled: page === 0 }),
    button(encodeBrowseId(at(Math.min(lastPage, page + 1)), 'next'), m.t('progress.next'), {
      disabled: page >= lastPage,
    }),
    button(encodeBrowseId(at(lastPage), 'last'), m.t('progress.last'), { disabled: page >= lastPage }),
  ];
  if (summaryButton) {
    navButtons.push(
      button(encodeBrowseId(at(page), 'summary'), m.t('progress.backToSummary'), {
        style: ButtonStyle.Primary,
      }),
    );
  }
  const nav = row(navButtons);
  const filters = row(
    (['all', 'earned', 'locked'] as const).map((filter) =>
      button(encodeBrowseId(at(0, filter), filter), m.t(`progress.filter.${filter}`), {
        style: filter === state.filter ? ButtonStyle.Success : ButtonStyle.Secondary,
        disabled: filter === state.filter,
      }),
    ),
  );
  return [nav, filters];
}

/** One page of the achievement list behind the summary's "Browse" buttons. */
export function renderAchievementPage(input: AchievementPageInput): AchievementPageReply {
  const { profile, game, urls, state, now } = input;
  const m = input.messages ?? ENGLISH;
  const pageSize = Math.min(25, Math.max(1, Math.floor(input.pageSize ?? 10)));
  const list = applyFilter(game.achievements, state.filter);
  const pageCount = Math.max(1, Math.ceil(list.length / pageSize));
  const lastPage = pageCount - 1;
  // A stale button can point past the end (e.g. fewer locked achievements now): show the last page.
  const page = Math.min(Math.max(0, Number.isSafeInteger(state.page) ? state.page : 0), lastPage);
  const shown = list.slice(page * pageSize, (page + 1) * pageSize);

  const budget = Math.floor(EMBED_LIMITS.description / pageSize) - 2;
  const description =
    shown.length === 0
      ? emptyPageText(state.filter, game.achievements.length, m)
      : joinLinesWithin(
          shown.map((a) => pageEntry(a, urls, budget, m)),
          EMBED_LIMITS.description,
          (hidden) => m.t('progress.moreOnPage', { count: hidden }),
        );

  const earned = game.achievements.filter(isEarned).length;
  const embed: APIEmbed = {
    author: authorOf(profile, urls, m),
    title: gameTitle(game, EMBED_LIMITS.title, m),
    url: urls.game(game.id),
    description,
    color: AWARD_COLORS[game.highestAwardKind ?? 'none'],
    thumbnail: { url: urls.image(game.imageIcon) },
    footer: {
      text: m.t('progress.pageFooter', {
        page: page + 1,
        pages: pageCount,
        filter: m.t(`progress.filter.${state.filter}`),
        listed: list.length,
        earned,
        total: game.achievements.length,
      }),
    },
  };

  return {
    embeds: fitEmbeds([embed]),
    components: pageButtons(state, page, lastPage, unixSeconds(now), input.summaryButton ?? false, m),
  };
}
