/**
 * Admin views of announcement speed: who follows the bot's RA account (their unlocks are seen
 * within seconds), how to follow it, how fast this server's announcements went out, and how
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

export function howToFollow(bot: BotAccount): string {
  return `follow [${safeText(bot.name, 20, { singleLine: true })}](${bot.profileUrl}) on RetroAchievements (the Follow button on its profile)`;
}

/** One line for `/track add`: whether the user follows the bot's RA account, and what it changes. */
export function followLine(displayName: string, follows: boolean | null, bot: BotAccount | null): string {
  const name = `**${safeText(displayName, 40, { singleLine: true })}**`;
  if (bot === null) return '';
  if (follows === true)
    return `${name} follows the bot’s RA account: their unlocks are announced within seconds.`;
  if (follows === null) {
    return `Unlocks are announced within seconds for users who ${howToFollow(bot)}; the bot is still reading who does.`;
  }
  return `${name} doesn’t follow the bot’s RA account, so their unlocks can take minutes. To get them within seconds, ${name} can ${howToFollow(bot)}.`;
}

/** `/track list`: which tracked users follow the bot's RA account, and how the others can. */
export function renderFollowersEmbed(input: {
  users: readonly { ulid: string; displayName: string }[];
  /** ULIDs of tracked users who follow; null while unknown. */
  followers: ReadonlySet<string> | null;
  bot: BotAccount | null;
}): APIEmbed {
  const { users, followers, bot } = input;
  if (bot === null) {
    return {
      title: 'Fast announcements',
      color: ADMIN_COLOR,
      description:
        'Off: the bot owner has not set RA_USERNAME. Every tracked user is polled on the schedule (minutes).',
    };
  }
  if (followers === null) {
    return {
      title: 'Fast announcements',
      color: ADMIN_COLOR,
      description: `The bot is still reading who follows its RA account. Users who ${howToFollow(bot)} are announced within seconds.`,
    };
  }
  const following = users.filter((u) => followers.has(u.ulid.toUpperCase()));
  const names = following.map((u) => safeText(u.displayName, 40, { singleLine: true }));
  let shown = names.join(', ');
  if (shown.length > 3000) shown = `${shown.slice(0, 3000)}…`;
  return {
    title: `Fast announcements: ${following.length} of ${users.length} follow the bot`,
    color: ADMIN_COLOR,
    description: [
      following.length > 0
        ? `Following (announced within seconds): ${shown}`
        : 'Nobody tracked here follows yet.',
      `Everyone else is polled on the schedule (minutes). To be announced faster, ${howToFollow(bot)}.`,
    ].join('\n'),
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
export function renderSpeedEmbed(input: {
  latency: { count: number; medianMs: number | null; p95Ms: number | null };
  polling: {
    users: number;
    hot: number;
    hotIntervalMs: number;
    typicalGapMs: number | null;
  } | null;
  pollCron: string;
  trackedFollowers: number | null;
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
  const followersText =
    bot === null
      ? m.t('speed.followersOff')
      : input.trackedFollowers === null
        ? m.t('speed.followersUnknown')
        : m.t('speed.followers', {
            following: input.trackedFollowers,
            tracked: input.tracked,
            follow: m.t('speed.howToFollow', {
              bot: `[${safeText(bot.name, 20, { singleLine: true })}](${bot.profileUrl})`,
            }),
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
