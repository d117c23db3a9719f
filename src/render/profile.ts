/**
 * The /profile player card: avatar, motto, points, rank, award counts, what the player is doing
 * now, and their latest unlocks and awards. Pure: data in, embed out.
 */
import type { APIEmbed } from 'discord.js';
import type { UserAwards, UserSummary } from '../ra/types.js';
import type { RaUrls } from '../ra/urls.js';
import { AWARD_COLORS, AWARD_EMOJI, AWARD_LABELS, discordTimestamp, formatCount } from './style.js';
import { EMBED_LIMITS, fitEmbeds, joinLinesWithin, plainText, safeText } from './text.js';

export interface ProfileCardInput {
  summary: UserSummary;
  awards: UserAwards;
  urls: RaUrls;
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
  const { summary, awards, urls } = input;
  const listed = input.listed ?? 5;
  const profileUrl = summary.ulid ? urls.userById(summary.ulid) : urls.user(summary.user);
  const avatar = urls.avatar(summary.userPic || summary.user);

  const about: string[] = [];
  const motto = safeText(summary.motto, 200, { singleLine: true });
  if (motto) about.push(`*“${motto}”*`);
  const presence = safeText(summary.richPresenceMsg, 300, { singleLine: true });
  if (summary.lastGame) {
    const game = `[**${line(summary.lastGame.title) || `Game ${summary.lastGame.id}`}**](${urls.game(summary.lastGame.id)})`;
    const console = line(summary.lastGame.consoleName);
    about.push(`🎮 Last played: ${game}${console ? ` · ${console}` : ''}`);
  }
  if (presence) about.push(`▶️ ${presence}`);
  if (input.linkedMemberId) about.push(`Discord: <@${input.linkedMemberId}>`);

  const rank =
    summary.rank === null
      ? 'Unranked'
      : `#${formatCount(summary.rank)}${summary.totalRanked > 0 ? ` of ${formatCount(summary.totalRanked)}` : ''}`;
  const fields: NonNullable<APIEmbed['fields']> = [
    {
      name: 'Points',
      value: `**${formatCount(summary.totalPoints)}** hardcore\n${formatCount(summary.totalSoftcorePoints)} softcore\n${formatCount(summary.totalTruePoints)} RetroPoints`,
      inline: true,
    },
    { name: 'Site rank', value: rank, inline: true },
    {
      name: 'Awards',
      value: [
        `${AWARD_EMOJI.mastered} ${formatCount(awards.masteries)} mastered`,
        `${AWARD_EMOJI.completed} ${formatCount(awards.completions)} completed`,
        `${AWARD_EMOJI['beaten-hardcore']} ${formatCount(awards.beatenHardcore)} beaten (+${formatCount(awards.beatenSoftcore)} softcore)`,
      ].join('\n'),
      inline: true,
    },
  ];

  const unlocks = summary.recentUnlocks.slice(0, listed).map((u) => {
    const when = discordTimestamp(u.date, 'R') ?? '';
    return `${u.hardcore ? '🏆' : '🔓'} [**${line(u.title) || `Achievement ${u.achievementId}`}**](${urls.achievement(u.achievementId)}) · ${line(u.gameTitle) || `Game ${u.gameId}`} · ${formatCount(u.points)} pts ${when}`.trim();
  });
  if (unlocks.length > 0) {
    fields.push({ name: 'Latest unlocks', value: joinLinesWithin(unlocks, FIELD_MAX) });
  }
  // RA lists awards in the user's display order: newest first here.
  const newest = [...awards.visible].sort((a, b) => b.awardedAt.getTime() - a.awardedAt.getTime());
  const latestAwards = newest.slice(0, listed).map((a) => {
    const when = discordTimestamp(a.awardedAt, 'd') ?? '';
    return `${AWARD_EMOJI[a.kind]} ${AWARD_LABELS[a.kind]} · [**${line(a.title) || `Game ${a.gameId}`}**](${urls.game(a.gameId)}) ${when}`.trim();
  });
  if (latestAwards.length > 0) {
    fields.push({ name: 'Latest awards', value: joinLinesWithin(latestAwards, FIELD_MAX) });
  }
  const since = discordTimestamp(summary.memberSince, 'D');
  if (since) fields.push({ name: 'Member since', value: since, inline: true });

  const embed: APIEmbed = {
    author: {
      name: plainText(summary.user, EMBED_LIMITS.authorName, 'RetroAchievements user'),
      icon_url: avatar,
      url: profileUrl,
    },
    title: `${safeText(summary.user, 100, { singleLine: true, fallback: 'Player' })} on RetroAchievements`,
    url: profileUrl,
    thumbnail: { url: avatar },
    color: awards.masteries > 0 ? AWARD_COLORS.mastered : AWARD_COLORS.none,
    fields,
    footer: { text: 'RetroAchievements' },
  };
  if (about.length > 0) embed.description = joinLinesWithin(about, EMBED_LIMITS.description);
  return { embeds: fitEmbeds([embed]) };
}
