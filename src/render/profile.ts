/**
 * The /profile player card: avatar, motto, points, rank, award counts, what the player is doing
 * now, and their latest unlocks and awards. Pure: data in, embed out.
 */
import type { APIEmbed } from 'discord.js';
import type { Messages } from '../i18n/index.js';
import type { UserAwards, UserSummary } from '../ra/types.js';
import type { RaUrls } from '../ra/urls.js';
import { AWARD_COLORS, AWARD_EMOJI, discordTimestamp } from './style.js';
import { EMBED_LIMITS, fitEmbeds, joinLinesWithin, plainText, safeText } from './text.js';

export interface ProfileCardInput {
  summary: UserSummary;
  awards: UserAwards;
  urls: RaUrls;
  /** The reader's language. */
  messages: Messages;
  /** The Discord member linked to this RA account, shown as a mention inside the embed (never pings). */
  linkedMemberId?: string | null;
  /** How many unlocks and awards to list (default 5 each). */
  listed?: number;
}

const FIELD_MAX = EMBED_LIMITS.fieldValue;

function line(text: string): string {
  return safeText(text, 80, { singleLine: true });
}

export function renderProfileCard(input: ProfileCardInput): { embeds: APIEmbed[] } {
  const { summary, awards, urls, messages: m } = input;
  const listed = input.listed ?? 5;
  const profileUrl = summary.ulid ? urls.userById(summary.ulid) : urls.user(summary.user);
  const avatar = urls.avatar(summary.userPic || summary.user);

  const about: string[] = [];
  const motto = safeText(summary.motto, 200, { singleLine: true });
  if (motto) about.push(`*“${motto}”*`);
  const presence = safeText(summary.richPresenceMsg, 300, { singleLine: true });
  if (summary.lastGame) {
    const game = `[**${line(summary.lastGame.title) || m.t('common.game', { id: summary.lastGame.id })}**](${urls.game(summary.lastGame.id)})`;
    const console = line(summary.lastGame.consoleName);
    about.push(m.t('profile.lastPlayed', { game: `${game}${console ? ` · ${console}` : ''}` }));
  }
  if (presence) about.push(`▶️ ${presence}`);
  if (input.linkedMemberId)
    about.push(m.t('profile.discordMember', { member: `<@${input.linkedMemberId}>` }));

  const rank =
    summary.rank === null
      ? m.t('profile.unranked')
      : summary.totalRanked > 0
        ? m.t('profile.rankOf', { rank: summary.rank, total: summary.totalRanked })
        : m.t('profile.rank', { rank: summary.rank });
  const fields: NonNullable<APIEmbed['fields']> = [
    {
      name: m.t('profile.points'),
      value: [
        m.t('profile.pointsHardcore', { points: summary.totalPoints }),
        m.t('profile.pointsSoftcore', { points: summary.totalSoftcorePoints }),
        m.t('profile.pointsRetro', { points: summary.totalTruePoints }),
      ].join('\n'),
      inline: true,
    },
    { name: m.t('profile.siteRank'), value: rank, inline: true },
    {
      name: m.t('profile.awards'),
      value: [
        `${AWARD_EMOJI.mastered} ${m.t('profile.mastered', { count: awards.masteries })}`,
        `${AWARD_EMOJI.completed} ${m.t('profile.completed', { count: awards.completions })}`,
        `${AWARD_EMOJI['beaten-hardcore']} ${m.t('profile.beaten', { count: awards.beatenHardcore, softcore: awards.beatenSoftcore })}`,
      ].join('\n'),
      inline: true,
    },
  ];

  const unlocks = summary.recentUnlocks.slice(0, listed).map((u) => {
    const when = discordTimestamp(u.date, 'R') ?? '';
    return `${u.hardcore ? '🏆' : '🔓'} [**${line(u.title) || m.t('common.achievement', { id: u.achievementId })}**](${urls.achievement(u.achievementId)}) · ${line(u.gameTitle) || m.t('common.game', { id: u.gameId })} · ${m.t('common.points', { count: u.points })} ${when}`.trim();
  });
  if (unlocks.length > 0) {
    fields.push({
      name: m.t('profile.latestUnlocks'),
      value: joinLinesWithin(unlocks, FIELD_MAX, (n) => m.t('common.moreLines', { count: n })),
    });
  }
  // RA lists awards in the user's display order: newest first here.
  const newest = [...awards.visible].sort((a, b) => b.awardedAt.getTime() - a.awardedAt.getTime());
  const latestAwards = newest.slice(0, listed).map((a) => {
    const when = discordTimestamp(a.awardedAt, 'd') ?? '';
    return `${AWARD_EMOJI[a.kind]} ${m.t(`award.label.${a.kind}`)} · [**${line(a.title) || m.t('common.game', { id: a.gameId })}**](${urls.game(a.gameId)}) ${when}`.trim();
  });
  if (latestAwards.length > 0) {
    fields.push({
      name: m.t('profile.latestAwards'),
      value: joinLinesWithin(latestAwards, FIELD_MAX, (n) => m.t('common.moreLines', { count: n })),
    });
  }
  const since = discordTimestamp(summary.memberSince, 'D');
  if (since) fields.push({ name: m.t('profile.memberSince'), value: since, inline: true });

  const embed: APIEmbed = {
    author: {
      name: plainText(summary.user, EMBED_LIMITS.authorName, m.t('profile.anonymousUser')),
      icon_url: avatar,
      url: profileUrl,
    },
    title: m.t('profile.title', {
      user: safeText(summary.user, 100, { singleLine: true, fallback: m.t('common.player') }),
    }),
    url: profileUrl,
    thumbnail: { url: avatar },
    color: awards.masteries > 0 ? AWARD_COLORS.mastered : AWARD_COLORS.none,
    fields,
    footer: { text: m.t('common.retroachievements') },
  };
  if (about.length > 0)
    embed.description = joinLinesWithin(about, EMBED_LIMITS.description, (n) =>
      m.t('common.moreLines', { count: n }),
    );
  return { embeds: fitEmbeds([embed]) };
}
