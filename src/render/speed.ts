/**
 * Admin views of announcement speed: who is watched (follows the bot's RA account or is followed
 * by it: their unlocks are seen within seconds), the two ways to get there, how fast this server's announcements went out, and how
 * often its users are polled. Pure: data in, text or embeds out.
 */
import type { APIEmbed } from 'discord.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import { ADMIN_COLOR } from './admin.js';
import { EMBED_LIMITS, safeText, shrinkText } from './text.js';

/** The bot's RA account (RA_USERNAME) and its profile page. */
export interface BotAccount {
  name: string;
  profileUrl: string;
}

export function howToFollow(bot: BotAccount): string {
  return `follow [${safeText(bot.name, 20, { singleLine: true })}](${bot.profileUrl}) on RetroAchievements (the Follow button on its profile)`;
}

/**
 * The second way to be watched: an admin signed in as the bot's RA account follows the user (no
 * need to ask them).
 */
export function howToFollowFromBot(bot: BotAccount, who: string): string {
  return `an admin signed in to RetroAchievements as [${safeText(bot.name, 20, { singleLine: true })}](${bot.profileUrl}) follows ${who}`;
}

/** Whether a user is watched (their points are read in bulk): either direction of following. */
export interface WatchState {
  /** The user follows the bot's RA account; null while unknown. */
  follows: boolean | null;
  /** The bot's RA account follows the user; null while unknown. */
  followed: boolean | null;
}

function watchedBecause(state: WatchState): string | null {
  if (state.follows === true && state.followed === true)
    return 'follows the bot’s RA account, and it follows them';
  if (state.follows === true) return 'follows the bot’s RA account';
  if (state.followed === true) return 'the bot’s RA account follows them';
  return null;
}

/** One line for `/track add`: whether the user is watched, why, and the two ways to get there. */
export function followLine(displayName: string, state: WatchState, bot: BotAccount | null): string {
  const name = `**${safeText(displayName, 40, { singleLine: true })}**`;
  if (bot === null) return '';
  const because = watchedBecause(state);
  if (because !== null) return `${name} is watched (${because}): their unlocks are announced within seconds.`;
  if (state.follows === null || state.followed === null) {
    return `Unlocks are announced within seconds for watched users: those who ${howToFollow(bot)}, or whom ${howToFollowFromBot(bot, 'on the website')}. The bot is still reading who is watched.`;
  }
  return `${name} isn’t watched, so their unlocks can take minutes. Two ways to get them within seconds: ${name} can ${howToFollow(bot)}, or ${howToFollowFromBot(bot, name)} on the website (no need to ask them).`;
}

/** `/track list`: which tracked users are watched and why, who isn't, and the two ways. */
export function renderFollowersEmbed(input: {
  users: readonly { ulid: string; displayName: string }[];
  /** ULIDs of tracked users who follow the bot's RA account; null while unknown. */
  followers: ReadonlySet<string> | null;
  /** ULIDs of tracked users the bot's RA account follows; null while unknown. */
  followed: ReadonlySet<string> | null;
  bot: BotAccount | null;
}): APIEmbed {
  const { users, followers, followed, bot } = input;
  if (bot === null) {
    return {
      title: 'Fast announcements',
      color: ADMIN_COLOR,
      description:
        'Off: the bot owner has not set RA_USERNAME. Every tracked user is polled on the schedule (minutes).',
    };
  }
  const ways = `Two ways to watch a user: they ${howToFollow(bot)}, or ${howToFollowFromBot(bot, 'them on the website')}.`;
  if (followers === null || followed === null) {
    return {
      title: 'Fast announcements',
      color: ADMIN_COLOR,
      description: `The bot is still reading who is watched (announced within seconds). ${ways}`,
    };
  }
  const watched: string[] = [];
  const others: string[] = [];
  for (const u of users) {
    const ulid = u.ulid.toUpperCase();
    const name = safeText(u.displayName, 40, { singleLine: true });
    const because = watchedBecause({ follows: followers.has(ulid), followed: followed.has(ulid) });
    if (because === null) others.push(name);
    else watched.push(`${name} (${because})`);
  }
  const clip = (names: string[]) => {
    const shown = names.join(', ');
    return shown.length > 1500 ? `${shown.slice(0, 1500)}…` : shown;
  };
  return {
    title: `Fast announcements: ${watched.length} of ${users.length} watched`,
    color: ADMIN_COLOR,
    description: [
      watched.length > 0
        ? `Watched (announced within seconds): ${clip(watched)}`
        : 'Nobody tracked here is watched yet.',
      others.length > 0 ? `Not watched (polled on the schedule, minutes): ${clip(others)}` : null,
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

const ENGLISH = messagesFor('en-US');

/** `/settings show`: this server's unlock-to-post times over 24 hours and how often it is polled. */
/** The bot's RA account as a markdown link. */
function botLink(bot: BotAccount): string {
  return `[${safeText(bot.name, 20, { singleLine: true })}](${bot.profileUrl})`;
}

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
      { name: m.t('speed.followersTitle'), value: shrinkText(followersText, EMBED_LIMITS.fieldValue) },
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
