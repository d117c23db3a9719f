/**
 * Announcement messages from outbox payloads: one unlock, a bundle of unlocks from one poll, or
 * a game award. Pure: the payload holds everything (no RA calls), so a row renders the same
 * after a restart.
 */
import type { APIEmbed } from 'discord.js';
import type {
  AnnouncementPayload,
  AwardPayload,
  PayloadAchievement,
  PayloadBase,
  PayloadProgress,
  UnlockBundlePayload,
  UnlockPayload,
} from '../domain/announcements.js';
import { isHardcoreAward } from '../ra/types.js';
import type { RaUrls } from '../ra/urls.js';
import {
  AWARD_COLORS,
  AWARD_EMOJI,
  AWARD_LABELS,
  AWARD_VERBS,
  discordTimestamp,
  formatCount,
  formatPercent,
  formatRarity,
  humanizeDuration,
  ordinal,
  parseIsoDate,
  UNLOCK_COLORS,
} from './style.js';
import {
  EMBED_LIMITS,
  embedLength,
  fitEmbeds,
  joinLinesWithin,
  plainText,
  progressBar,
  safeText,
} from './text.js';

export type { AnnouncementPayload } from '../domain/announcements.js';

export interface AnnouncementMessage {
  content?: string;
  embeds: APIEmbed[];
}

export interface AnnouncementOptions {
  /** Most unlocks listed in a bundle before "+K more" (default 10). */
  maxListed?: number;
  /** The linked Discord member, named beside the RA name (a mention the post never pings). */
  memberId?: string | null;
}

const FOOTER = 'RetroAchievements';
const AOTW_MARK = '⭐ Achievement of the Week';

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

function author(payload: PayloadBase, urls: RaUrls, suffix: string): NonNullable<APIEmbed['author']> {
  const name = plainText(payload.user.displayName, EMBED_LIMITS.authorName - suffix.length, 'Someone');
  return {
    name: `${name}${suffix}`,
    icon_url: urls.avatar(payload.user.userPic || payload.user.displayName),
    url: urls.userById(payload.user.ulid),
  };
}

function gameLink(payload: PayloadBase, urls: RaUrls, titleMax = 150): string {
  const title = safeText(payload.game.title, titleMax, {
    singleLine: true,
    fallback: `Game ${payload.game.id}`,
  });
  return `[**${title}**](${urls.game(payload.game.id)})`;
}

function consoleName(payload: PayloadBase): string {
  return safeText(payload.game.consoleName, 60, { singleLine: true, fallback: 'Unknown console' });
}

/** `▰▰▱▱ 12/23 · 52% (hardcore 10/23)` plus the points held, after the announced change. */
function progressValue(progress: PayloadProgress, game: PayloadBase['game']): string {
  const total = game.numAchievements;
  if (!(total > 0)) return 'No achievements in this set';
  const earned = progress.numAwardedToUser;
  const hardcore = progress.numAwardedToUserHardcore;
  const lines = [
    `${progressBar(earned / total)} ${formatCount(earned)}/${formatCount(total)} · ${formatPercent(earned, total)}` +
      (hardcore > 0 ? ` (hardcore ${formatCount(hardcore)}/${formatCount(total)})` : ''),
  ];
  if (game.totalPoints > 0) {
    lines.push(
      `${formatCount(progress.pointsEarned)}/${formatCount(game.totalPoints)} points` +
        (progress.pointsEarnedHardcore > 0
          ? ` (hardcore ${formatCount(progress.pointsEarnedHardcore)})`
          : ''),
    );
  }
  return lines.join('\n');
}

function modeOf(a: PayloadAchievement): 'hardcore' | 'softcore' | 'upgraded to hardcore' {
  if (a.upgrade) return 'upgraded to hardcore';
  return a.hardcore ? 'hardcore' : 'softcore';
}

function pointsText(points: number): string {
  return `${formatCount(points)} point${points === 1 ? '' : 's'}`;
}

/** `3.2% of players (1.1% hardcore)`; null when the player count is unknown. */
function rarityText(a: PayloadAchievement): string | null {
  const players = a.numDistinctPlayers;
  const all = formatRarity(a.numAwarded, players);
  if (!all) return null;
  const hardcore = formatRarity(a.numAwardedHardcore, players);
  return `${all} of players${hardcore ? ` (${hardcore} hardcore)` : ''}`;
}

function isoOrUndefined(iso: string | null | undefined): string | undefined {
  return parseIsoDate(iso)?.toISOString();
}

/** The user's avatar-free plain name for running text (content, descriptions). */
function boldName(payload: PayloadBase, max = 64): string {
  return `**${safeText(payload.user.displayName, max, { singleLine: true, fallback: 'Someone' })}**`;
}

// ---------------------------------------------------------------------------------------------
// One unlock
// ---------------------------------------------------------------------------------------------

function renderUnlock(payload: UnlockPayload, urls: RaUrls): AnnouncementMessage {
  const a = payload.achievement;
  const mode = modeOf(a);
  const description = safeText(a.description, 1000);
  const fields: NonNullable<APIEmbed['fields']> = [
    {
      name: 'Points',
      value: `**${pointsText(a.points)}**\n${formatCount(a.retroPoints)} RetroPoints`,
      inline: true,
    },
    {
      name: 'Mode',
      value: mode === 'softcore' ? 'Softcore' : mode === 'hardcore' ? 'Hardcore' : 'Upgraded to hardcore',
      inline: true,
    },
  ];
  const rarity = rarityText(a);
  if (rarity) fields.push({ name: 'Rarity', value: rarity, inline: true });
  if (a.aotw) fields.push({ name: AOTW_MARK, value: 'This week’s Achievement of the Week!', inline: true });
  fields.push({ name: 'Progress', value: progressValue(payload.progress, payload.game) });

  const embed: APIEmbed = {
    author: author(payload, urls, ' unlocked an achievement'),
    title: safeText(a.title, EMBED_LIMITS.title, { singleLine: true, fallback: `Achievement ${a.id}` }),
    url: urls.achievement(a.id),
    description: `${description ? `${description}\n\n` : ''}${gameLink(payload, urls)} · ${consoleName(payload)}`,
    thumbnail: { url: urls.badge(a.badgeName) },
    color: a.hardcore ? UNLOCK_COLORS.hardcore : UNLOCK_COLORS.softcore,
    fields,
    footer: { text: FOOTER },
  };
  const at = isoOrUndefined(a.at);
  if (at) embed.timestamp = at;
  return { embeds: fitEmbeds([embed]) };
}

// ---------------------------------------------------------------------------------------------
// Several unlocks in one message
// ---------------------------------------------------------------------------------------------

const BUNDLE_TITLE_MAX = 80;
const BUNDLE_DESCRIPTION_MAX = 100;

function bundleLine(a: PayloadAchievement, urls: RaUrls): string {
  const title = safeText(a.title, BUNDLE_TITLE_MAX, { singleLine: true, fallback: `Achievement ${a.id}` });
  const rarity = formatRarity(a.hardcore ? a.numAwardedHardcore : a.numAwarded, a.numDistinctPlayers);
  const head = `${a.hardcore ? '🏆' : '🔓'} [**${title}**](${urls.achievement(a.id)}) · ${pointsText(a.points)} · ${modeOf(a)}${rarity ? ` · ${rarity}` : ''}${a.aotw ? ` · ${AOTW_MARK}` : ''}`;
  const description = safeText(a.description, BUNDLE_DESCRIPTION_MAX, { singleLine: true });
  return description ? `${head}\n*${description}*` : head;
}

function renderBundle(payload: UnlockBundlePayload, urls: RaUrls, maxListed: number): AnnouncementMessage {
  const list = payload.achievements;
  const count = list.length;
  const points = list.reduce((sum, a) => sum + a.points, 0);
  // RetroPoints are only granted for hardcore unlocks.
  const retroPoints = list.reduce((sum, a) => sum + (a.hardcore ? a.retroPoints : 0), 0);
  const anyHardcore = list.some((a) => a.hardcore);
  const latest = list
    .map((a) => parseIsoDate(a.at))
    .reduce<Date | null>((max, d) => (d && (!max || d > max) ? d : max), null);

  const embed: APIEmbed = {
    author: author(payload, urls, ` unlocked ${formatCount(count)} achievement${count === 1 ? '' : 's'}`),
    title: safeText(payload.game.title, EMBED_LIMITS.title, {
      singleLine: true,
      fallback: `Game ${payload.game.id}`,
    }),
    url: urls.game(payload.game.id),
    thumbnail: { url: urls.image(payload.game.imageIcon) },
    color: anyHardcore ? UNLOCK_COLORS.hardcore : UNLOCK_COLORS.softcore,
    fields: [
      {
        name: 'Earned',
        value: `**+${pointsText(points)}**${retroPoints > 0 ? ` · +${formatCount(retroPoints)} RetroPoints` : ''}`,
        inline: true,
      },
      { name: 'Console', value: consoleName(payload), inline: true },
      { name: 'Progress', value: progressValue(payload.progress, payload.game) },
    ],
    footer: { text: FOOTER },
  };
  if (latest) embed.timestamp = latest.toISOString();

  // The list gets whatever the 6000 total leaves after everything else.
  const budget = Math.min(EMBED_LIMITS.description, EMBED_LIMITS.total - embedLength(embed));
  const listed = list.slice(0, Math.max(1, maxListed));
  embed.description = joinLinesWithin(
    listed.map((a) => bundleLine(a, urls)),
    budget,
    (hidden) => `+${formatCount(hidden)} more`,
    count - listed.length,
  );
  if (!embed.description) delete embed.description;
  return { embeds: fitEmbeds([embed]) };
}

// ---------------------------------------------------------------------------------------------
// Game award
// ---------------------------------------------------------------------------------------------

/**
 * "**Game** mastered by **Name**": passive voice puts the exact award word ("mastered",
 * "completed", "beaten (hardcore)", "beaten (softcore)") in the sentence and reads well for all four.
 */
function awardSentence(payload: AwardPayload, game: string): string {
  const again = payload.award.again ? ' again' : '';
  return `${game} ${AWARD_VERBS[payload.award.kind]}${again} by ${boldName(payload)}`;
}

const MILESTONE_NOUNS: Readonly<Record<AwardPayload['award']['kind'], string>> = {
  mastered: 'mastery',
  completed: 'completion',
  'beaten-hardcore': 'game beaten',
  'beaten-softcore': 'game beaten in softcore',
};

/** `their 37th mastery, 12th this year` (null without counts). */
function milestoneText(payload: AwardPayload): string | null {
  const m = payload.award.milestone;
  if (!m || !(m.count >= 1)) return null;
  const noun = MILESTONE_NOUNS[payload.award.kind];
  const year = m.yearCount >= 1 ? `, ${ordinal(m.yearCount)} in ${m.year}` : '';
  return `their ${ordinal(m.count)} ${noun}${year}`;
}

function renderAward(payload: AwardPayload, urls: RaUrls): AnnouncementMessage {
  const { award, game, progress } = payload;
  const kind = award.kind;
  const awardedAt = parseIsoDate(award.at);
  const firstAt = parseIsoDate(award.firstUnlockAt);
  const took = awardedAt && firstAt && awardedAt >= firstAt ? awardedAt.getTime() - firstAt.getTime() : null;
  const hardcoreAward = isHardcoreAward(kind);
  const earned = hardcoreAward ? progress.numAwardedToUserHardcore : progress.numAwardedToUser;

  const fields: NonNullable<APIEmbed['fields']> = [
    { name: 'Award', value: `${AWARD_EMOJI[kind]} ${AWARD_LABELS[kind]}`, inline: true },
    {
      name: 'Achievements',
      value: game.numAchievements > 0 ? `${formatCount(earned)}/${formatCount(game.numAchievements)}` : '—',
      inline: true,
    },
    {
      name: 'Set',
      value: `${pointsText(game.totalPoints)} · ${formatCount(game.totalRetroPoints)} RetroPoints`,
      inline: true,
    },
  ];
  if (took !== null) fields.push({ name: 'Time taken', value: humanizeDuration(took), inline: true });
  const awardedText = discordTimestamp(awardedAt, 'D');
  if (awardedText) fields.push({ name: 'Awarded', value: awardedText, inline: true });

  const milestone = milestoneText(payload);
  if (milestone) fields.push({ name: 'Milestone', value: milestone, inline: true });

  const embed: APIEmbed = {
    author: author(payload, urls, ''),
    title: `${AWARD_EMOJI[kind]} ${AWARD_LABELS[kind]}: ${safeText(game.title, EMBED_LIMITS.title - 32, { singleLine: true, fallback: `Game ${game.id}` })}`,
    url: urls.game(game.id),
    description:
      `${awardSentence(payload, gameLink(payload, urls))}${took !== null ? ` in ${humanizeDuration(took)}` : ''}!\n` +
      consoleName(payload),
    color: AWARD_COLORS[kind],
    thumbnail: { url: urls.image(game.imageIcon) },
    fields,
    footer: { text: FOOTER },
  };
  // Box art makes an award stand out; without it the icon thumbnail alone will do.
  if (game.imageBoxArt.trim()) embed.image = { url: urls.image(game.imageBoxArt) };
  const at = awardedAt?.toISOString();
  if (at) embed.timestamp = at;

  const plainGame = `**${safeText(game.title, 150, { singleLine: true, fallback: `Game ${game.id}` })}**`;
  return {
    content: `${AWARD_EMOJI[kind]} ${awardSentence(payload, plainGame)}!${milestone ? ` That’s ${milestone}.` : ''}`,
    embeds: fitEmbeds([embed]),
  };
}

/** The Discord message for one outbox payload. Never contains text that can ping. */
export function renderAnnouncement(
  payload: AnnouncementPayload,
  urls: RaUrls,
  options: AnnouncementOptions = {},
): AnnouncementMessage {
  const message = renderKind(payload, urls, options);
  return options.memberId ? withMember(message, payload, options.memberId) : message;
}

function renderKind(
  payload: AnnouncementPayload,
  urls: RaUrls,
  options: AnnouncementOptions,
): AnnouncementMessage {
  switch (payload.kind) {
    case 'unlock':
      return renderUnlock(payload, urls);
    case 'unlock-bundle':
      return renderBundle(payload, urls, Math.floor(options.maxListed ?? 10));
    case 'award':
      return renderAward(payload, urls);
  }
}

/**
 * Names the linked Discord member beside the RA name, in the message text (the award sentence,
 * or a line of its own). Only a Discord snowflake goes in, and every post disables mentions.
 */
function withMember(
  message: AnnouncementMessage,
  payload: AnnouncementPayload,
  memberId: string,
): AnnouncementMessage {
  if (!/^\d{17,20}$/.test(memberId)) return message;
  const name = boldName(payload);
  const named = `${name} (<@${memberId}>)`;
  const content = message.content?.includes(name) ? message.content.replace(name, () => named) : named;
  return { ...message, content };
}
