/**
 * Admin views of announcement speed: who is watched (follows the bot's RA account or is followed
 * by it: their unlocks are seen within seconds), the two ways to get there, how fast this server's announcements went out, and how
 * often its users are polled. Pure: data in, text or embeds out.
 */
import type { APIEmbed } from 'discord.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import { ADMIN_COLOR } from './admin.js';
import { safeText } from './text.js';

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
  const clip = (names: string[]) => {
    const shown = names.join(', ');
    return shown.length > 1500 ? `${shown.slice(0, 1500)}…` : shown;
  };
  return {
    title: m.t('watch.titleCount', { watched: watched.length, total: users.length }),
    color: ADMIN_COLOR,
    description: [
      watched.length > 0 ? m.t('watch.watchedList', { names: clip(watched) }) : m.t('watch.nobody'),
      others.length > 0 ? m.t('watch.notWatchedList', { names: clip(others) }) : null,
      ways,
    ]
      .filter((line): line is string => line !== null)
      .join('\n'),
  };
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
  const followersText =
    bot === null
      ? m.t('speed.followersOff')
      : w === null
        ? m.t('speed.followersUnknown')
        : m.t('speed.followers', {
            either: w.either,
            follows: w.follows,
            followed: w.followed,
            tracked: input.tracked,
            follow: m.t('speed.howToFollow', { bot: botLink(bot) }),
            followFromBot: m.t('speed.howToFollowFromBot', { bot: botLink(bot) }),
          });
  return {
    title: m.t('speed.title'),
    color: ADMIN_COLOR,
    fields: [
      { name: m.t('speed.unlockToPost'), value: speed },
      { name: m.t('speed.polling'), value: pollingText },
      { name: m.t('speed.followersTitle'), value: followersText },
    ],
  };
}

/** The bot's RA account from RA_USERNAME, or null when it isn't set (fast announcements off). */
export function botAccount(
  username: string | undefined,
  urls: { user(name: string): string },
): BotAccount | null {
  return username ? { name: username, profileUrl: urls.user(username) } : null;
}
