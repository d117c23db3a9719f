/**
 * Admin views of announcement speed: who is watched (follows the bot's RA account or is followed
 * by it: their unlocks are seen within seconds), the two ways to get there, how fast this server's announcements went out, and how
 * often its users are polled. Pure: data in, text or embeds out.
 */
import type { APIEmbed } from 'discord.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import { ADMIN_COLOR, renderTrackList } from './admin.js';
import { EMBED_LIMITS, embedLength, fitEmbeds, safeText } from './text.js';

/** The bot's RA account (RA_USERNAME) and its profile page. */
export interface BotAccount {
  name: string;
  profileUrl: string;
}

const ENGLISH = messagesFor('en-US');

/** The bot's RA account as a markdown link. */
function botLink(bot: BotAccount): string {
  return `[${safeText(bot.name, 20, { singleLine: true })}](${bot.profileUrl})`;
}

/** Whether a user is watched (their points are read in bulk): either direction of following. */
export interface WatchState {
  /** The user follows the bot's RA account; null while unknown. */
  follows: boolean | null;
  /** The bot's RA account follows the user; null while unknown. */
  followed: boolean | null;
}

function watchedBecause(state: WatchState, m: Messages): string | null {
  if (state.follows === true && state.followed === true) return m.t('watch.because.both');
  if (state.follows === true) return m.t('watch.because.follows');
  if (state.followed === true) return m.t('watch.because.followed');
  return null;
}

/** One line for `/track add`: whether the user is watched, why, and the two ways to get there. */
export function followLine(
  displayName: string,
  state: WatchState,
  bot: BotAccount | null,
  m: Messages = ENGLISH,
): string {
  const name = `**${safeText(displayName, 40, { singleLine: true })}**`;
  if (bot === null) return '';
  const because = watchedBecause(state, m);
  if (because !== null) return m.t('watch.line.watched', { name, because });
  const follow = m.t('speed.howToFollow', { bot: botLink(bot) });
  if (state.follows === null || state.followed === null) {
    return m.t('watch.line.unknown', { follow, bot: botLink(bot) });
  }
  return m.t('watch.line.notWatched', { name, follow, bot: botLink(bot) });
}

/** `/track list`: which tracked users are watched and why, who isn't, and the two ways. */
export function renderFollowersEmbed(input: {
  users: readonly { ulid: string; displayName: string }[];
  /** ULIDs of tracked users who follow the bot's RA account; null while unknown. */
  followers: ReadonlySet<string> | null;
  /** ULIDs of tracked users the bot's RA account follows; null while unknown. */
  followed: ReadonlySet<string> | null;
  bot: BotAccount | null;
  /** The reader's language (default English). */
  messages?: Messages;
  /** Room for the description when another embed shares the message (default Discord's limit). */
  descriptionMax?: number;
}): APIEmbed {
  const { users, followers, followed, bot } = input;
  const m = input.messages ?? ENGLISH;
  if (bot === null) {
    return { title: m.t('watch.title'), color: ADMIN_COLOR, description: m.t('watch.off') };
  }
  const ways = m.t('watch.ways', {
    follow: m.t('speed.howToFollow', { bot: botLink(bot) }),
    followFromBot: m.t('speed.howToFollowFromBot', { bot: botLink(bot) }),
  });
  if (followers === null || followed === null) {
    return { title: m.t('watch.title'), color: ADMIN_COLOR, description: m.t('watch.unknown', { ways }) };
  }
  const watched: string[] = [];
  const others: string[] = [];
  for (const u of users) {
    const ulid = u.ulid.toUpperCase();
    const name = safeText(u.displayName, 40, { singleLine: true });
    const because = watchedBecause({ follows: followers.has(ulid), followed: followed.has(ulid) }, m);
    if (because === null) others.push(name);
    else watched.push(`${name} (${because})`);
  }
  // The two lists share what the description has left after the fixed sentences, each name
  // whole: what doesn't fit is counted ("+12 more"), never cut mid-name or mid-markup.
  // (A sentence may say its list more than once, as the pseudo-locale's do: each time counts.)
  const shape = (key: 'watch.watchedList' | 'watch.notWatchedList') => {
    const empty = m.t(key, { names: '' }).length;
    return { fixed: empty + 1, times: Math.max(1, m.t(key, { names: '#' }).length - empty) };
  };
  const w = shape('watch.watchedList');
  const o = shape('watch.notWatchedList');
  const fixed =
    ways.length +
    (watched.length > 0 ? w.fixed : m.t('watch.nobody').length + 1) +
    (others.length > 0 ? o.fixed : 0);
  const room = Math.max(0, Math.min(EMBED_LIMITS.description, input.descriptionMax ?? Infinity) - fixed);
  const watchedRoom = others.length > 0 ? Math.floor(room / 2) : room;
  const watchedText = namesWithin(watched, Math.floor(watchedRoom / w.times), m);
  const othersText = namesWithin(others, Math.floor((room - watchedText.length * w.times) / o.times), m);
  return {
    title: m.t('watch.titleCount', { watched: watched.length, total: users.length }),
    color: ADMIN_COLOR,
    description: [
      watched.length > 0 ? m.t('watch.watchedList', { names: watchedText }) : m.t('watch.nobody'),
      others.length > 0 ? m.t('watch.notWatchedList', { names: othersText }) : null,
      ways,
    ]
      .filter((line): line is string => line !== null)
      .join('\n'),
  };
}

/** Names joined by commas within `max` characters; those left off are counted at the end. */
function namesWithin(names: readonly string[], max: number, m: Messages): string {
  let out = '';
  for (const [index, name] of names.entries()) {
    const left = names.length - index - 1;
    const candidate = out === '' ? name : `${out}, ${name}`;
    const reserve = left > 0 ? `, ${m.t('common.moreLines', { count: left })}`.length : 0;
    if (candidate.length + reserve <= max) {
      out = candidate;
      continue;
    }
    const more = m.t('common.moreLines', { count: names.length - index });
    return out === '' ? more : `${out}, ${more}`;
  }
  return out;
}

/** `/track list`'s reply: the tracked users, then who is watched, together within Discord's limits. */
export function renderTrackListReply(
  list: Parameters<typeof renderTrackList>[0],
  followers: Parameters<typeof renderFollowersEmbed>[0],
): APIEmbed[] {
  const tracked = renderTrackList(list);
  const title = renderFollowersEmbed({ ...followers, users: [] }).title ?? '';
  // The title grows by a few digits with the real counts; the rest of the room is the list's.
  const descriptionMax = EMBED_LIMITS.total - embedLength(tracked) - title.length - 16;
  return fitEmbeds([tracked, renderFollowersEmbed({ ...followers, descriptionMax })]);
}

/** `12 s`, `4 min`, `1.5 h` in the reader's language. */
function localDuration(ms: number, m: Messages): string {
  if (ms <= 120_000) return m.t('speed.seconds', { n: Math.max(1, Math.round(ms / 1000)) });
  if (ms < 90 * 60_000) return m.t('speed.minutes', { n: Math.round(ms / 60_000) });
  return m.t('speed.hours', { n: m.decimal(ms / 3_600_000) });
}

/** `/settings show`: this server's unlock-to-post times over 24 hours and how often it is polled. */
export function renderSpeedEmbed(input: {
  latency: { count: number; medianMs: number | null; p95Ms: number | null };
  polling: {
    users: number;
    hot: number;
    hotIntervalMs: number;
    typicalGapMs: number | null;
  } | null;
  pollCron: string;
  /** Tracked users who follow the bot's RA account, and whom it follows, and either; null while unknown. */
  watched: { follows: number; followed: number; either: number } | null;
  tracked: number;
  bot: BotAccount | null;
  /** The reader's language (default English). */
  messages?: Messages;
}): APIEmbed {
  const { latency, polling, bot } = input;
  const m = input.messages ?? ENGLISH;
  const speed =
    latency.count === 0 || latency.medianMs === null || latency.p95Ms === null
      ? m.t('speed.none')
      : m.t('speed.latency', {
          median: localDuration(latency.medianMs, m),
          p95: localDuration(latency.p95Ms, m),
          count: latency.count,
        });
  const schedule = `\`${safeText(input.pollCron, 40, { singleLine: true })}\``;
  const pollingText =
    polling === null
      ? m.t('speed.pollEveryRound', { schedule })
      : [
          m.t('speed.hot', {
            hot: polling.hot,
            users: polling.users,
            every: localDuration(polling.hotIntervalMs, m),
          }),
          polling.typicalGapMs === null
            ? m.t('speed.othersRound', { schedule })
            : m.t('speed.othersEvery', { every: localDuration(polling.typicalGapMs, m), schedule }),
        ].join('\n');
  const w = input.watched;
  const fields = [
    { name: m.t('speed.unlockToPost'), value: speed },
    { name: m.t('speed.polling'), value: pollingText },
  ];
  if (bot === null || w === null) {
    fields.push({
      name: m.t('speed.followersTitle'),
      value: bot === null ? m.t('speed.followersOff') : m.t('speed.followersUnknown'),
    });
  } else {
    const counts = { either: w.either, follows: w.follows, followed: w.followed, tracked: input.tracked };
    const follow = m.t('speed.howToFollow', { bot: botLink(bot) });
    const followFromBot = m.t('speed.howToFollowFromBot', { bot: botLink(bot) });
    const whole = m.t('speed.followers', { ...counts, follow, followFromBot });
    // A language that runs long gets the two ways in a field of their own rather than a cut sentence.
    if (whole.length <= EMBED_LIMITS.fieldValue)
      fields.push({ name: m.t('speed.followersTitle'), value: whole });
    else {
      fields.push(
        { name: m.t('speed.followersTitle'), value: m.t('speed.followersShort', counts) },
        { name: m.t('watch.title'), value: m.t('watch.ways', { follow, followFromBot }) },
      );
    }
  }
  return { title: m.t('speed.title'), color: ADMIN_COLOR, fields };
}

/** The bot's RA account from RA_USERNAME, or null when it isn't set (fast announcements off). */
export function botAccount(
  username: string | undefined,
  urls: { user(name: string): string },
): BotAccount | null {
  return username ? { name: username, profileUrl: urls.user(username) } : null;
}
