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
import { type Messages, messagesFor } from '../i18n/index.js';
import { isHardcoreAward } from '../ra/types.js';
import type { RaUrls } from '../ra/urls.js';
import { renderMilestone } from './milestone.js';
import {
  AWARD_COLORS,
  AWARD_EMOJI,
  discordTimestamp,
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
  /** The server's language (default English). */
  messages?: Messages;
}

const ENGLISH = messagesFor('en-US');

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/** The author line: the name, fitted so `sentence` (e.g. "{{name}} unlocked an achievement") stays whole. */
function author(
  payload: PayloadBase,
  urls: RaUrls,
  m: Messages,
  sentence: (name: string) => string = (name) => name,
): NonNullable<APIEmbed['author']> {
  const room = EMBED_LIMITS.authorName - sentence('').length;
  const name = plainText(payload.user.displayName, room, m.t('common.someone'));
  return {
    name: sentence(name),
    icon_url: urls.avatar(payload.user.userPic || payload.user.displayName),
    url: urls.userById(payload.user.ulid),
  };
}

function gameLink(payload: PayloadBase, urls: RaUrls, m: Messages, titleMax = 150): string {
  const title = safeText(payload.game.title, titleMax, {
    singleLine: true,
    fallback: m.t('common.game', { id: payload.game.id }),
  });
  return `[**${title}**](${urls.game(payload.game.id)})`;
}

function consoleName(payload: PayloadBase, m: Messages): string {
  return safeText(payload.game.consoleName, 60, { singleLine: true, fallback: m.t('common.unknownConsole') });
}

/** `▰▰▱▱ 12/23 · 52% (hardcore 10/23)` plus the points held, after the announced change. */
function progressValue(progress: PayloadProgress, game: PayloadBase['game'], m: Messages): string {
  const total = game.numAchievements;
  if (!(total > 0)) return m.t('announce.noSet');
  const earned = progress.numAwardedToUser;
  const hardcore = progress.numAwardedToUserHardcore;
  const lines = [
    `${progressBar(earned / total)} ${m.count(earned)}/${m.count(total)} · ${formatPercent(earned, total, m)}` +
      (hardcore > 0 ? m.t('announce.progressHardcore', { earned: hardcore, total }) : ''),
  ];
  if (game.totalPoints > 0) {
    lines.push(
      m.t('announce.pointsProgress', { earned: progress.pointsEarned, total: game.totalPoints }) +
        (progress.pointsEarnedHardcore > 0
          ? m.t('announce.pointsHardcore', { points: progress.pointsEarnedHardcore })
          : ''),
    );
  }
  return lines.join('\n');
}

type Mode = 'hardcore' | 'softcore' | 'upgraded';

function modeOf(a: PayloadAchievement): Mode {
  if (a.upgrade) return 'upgraded';
  return a.hardcore ? 'hardcore' : 'softcore';
}

function pointsText(points: number, m: Messages): string {
  return m.t('announce.points', { count: points });
}

/** `3.2% of players (1.1% hardcore)`; null when the player count is unknown. */
function rarityText(a: PayloadAchievement, m: Messages): string | null {
  const players = a.numDistinctPlayers;
  const all = formatRarity(a.numAwarded, players, m);
  if (!all) return null;
  const hardcore = formatRarity(a.numAwardedHardcore, players, m);
  return hardcore ? m.t('announce.rarityHardcore', { all, hardcore }) : m.t('announce.rarity', { all });
}

function isoOrUndefined(iso: string | null | undefined): string | undefined {
  return parseIsoDate(iso)?.toISOString();
}

/** The user's avatar-free plain name for running text (content, descriptions). */
function boldName(payload: PayloadBase, m: Messages, max = 64): string {
  return `**${safeText(payload.user.displayName, max, { singleLine: true, fallback: m.t('common.someone') })}**`;
}

// ---------------------------------------------------------------------------------------------
// One unlock
// ---------------------------------------------------------------------------------------------

function renderUnlock(payload: UnlockPayload, urls: RaUrls, m: Messages): AnnouncementMessage {
  const a = payload.achievement;
  const mode = modeOf(a);
  const description = safeText(a.description, 1000);
  const fields: NonNullable<APIEmbed['fields']> = [
    {
      name: m.t('announce.fieldPoints'),
      value: `**${pointsText(a.points, m)}**\n${m.t('announce.retroPoints', { points: a.retroPoints })}`,
      inline: true,
    },
    { name: m.t('announce.fieldMode'), value: m.t(`announce.modeTitle.${mode}`), inline: true },
  ];
  const rarity = rarityText(a, m);
  if (rarity) fields.push({ name: m.t('announce.fieldRarity'), value: rarity, inline: true });
  if (a.aotw) fields.push({ name: m.t('announce.aotw'), value: m.t('announce.aotwValue'), inline: true });
  fields.push({
    name: m.t('announce.fieldProgress'),
    value: progressValue(payload.progress, payload.game, m),
  });

  const embed: APIEmbed = {
    author: author(payload, urls, m, (name) => m.t('announce.unlockedOne', { name })),
    title: safeText(a.title, EMBED_LIMITS.title, {
      singleLine: true,
      fallback: m.t('common.achievement', { id: a.id }),
    }),
    url: urls.achievement(a.id),
    description: `${description ? `${description}\n\n` : ''}${gameLink(payload, urls, m)} · ${consoleName(payload, m)}`,
    thumbnail: { url: urls.badge(a.badgeName) },
    color: a.hardcore ? UNLOCK_COLORS.hardcore : UNLOCK_COLORS.softcore,
    fields,
    footer: { text: m.t('common.retroachievements') },
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

function bundleLine(a: PayloadAchievement, urls: RaUrls, m: Messages): string {
  const title = safeText(a.title, BUNDLE_TITLE_MAX, {
    singleLine: true,
    fallback: () => m.t('common.achievement', { id: a.id }),
  });
  const rarity = formatRarity(a.hardcore ? a.numAwardedHardcore : a.numAwarded, a.numDistinctPlayers, m);
  const head = `${a.hardcore ? '🏆' : '🔓'} [**${title}**](${urls.achievement(a.id)}) · ${pointsText(a.points, m)} · ${m.t(`announce.mode.${modeOf(a)}`)}${rarity ? ` · ${rarity}` : ''}${a.aotw ? ` · ${m.t('announce.aotw')}` : ''}`;
  const description = safeText(a.description, BUNDLE_DESCRIPTION_MAX, { singleLine: true });
  return description ? `${head}\n*${description}*` : head;
}

function renderBundle(
  payload: UnlockBundlePayload,
  urls: RaUrls,
  maxListed: number,
  m: Messages,
): AnnouncementMessage {
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
    author: author(payload, urls, m, (name) => m.t('announce.unlockedMany', { name, count })),
    title: safeText(payload.game.title, EMBED_LIMITS.title, {
      singleLine: true,
      fallback: m.t('common.game', { id: payload.game.id }),
    }),
    url: urls.game(payload.game.id),
    thumbnail: { url: urls.image(payload.game.imageIcon) },
    color: anyHardcore ? UNLOCK_COLORS.hardcore : UNLOCK_COLORS.softcore,
    fields: [
      {
        name: m.t('announce.fieldEarned'),
        value: `${m.t('announce.bundleEarned', { points: pointsText(points, m) })}${retroPoints > 0 ? m.t('announce.bundleRetro', { points: retroPoints }) : ''}`,
        inline: true,
      },
      { name: m.t('announce.fieldConsole'), value: consoleName(payload, m), inline: true },
      { name: m.t('announce.fieldProgress'), value: progressValue(payload.progress, payload.game, m) },
    ],
    footer: { text: m.t('common.retroachievements') },
  };
  if (latest) embed.timestamp = latest.toISOString();

  // The list gets whatever the 6000 total leaves after everything else.
  const budget = Math.min(EMBED_LIMITS.description, EMBED_LIMITS.total - embedLength(embed));
  const listed = list.slice(0, Math.max(1, maxListed));
  embed.description = joinLinesWithin(
    listed.map((a) => bundleLine(a, urls, m)),
    budget,
    (hidden) => m.t('common.moreLines', { count: hidden }),
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
function awardSentence(payload: AwardPayload, game: string, m: Messages): string {
  const kind = payload.award.kind;
  const name = boldName(payload, m);
  return payload.award.again
    ? m.t(`announce.awardAgain.${kind}`, { game, name })
    : m.t(`announce.award.${kind}`, { game, name });
}

/** `their 37th mastery, 12th in 2024` (null without counts). */
function milestoneText(payload: AwardPayload, m: Messages): string | null {
  const mile = payload.award.milestone;
  if (!mile || !(mile.count >= 1)) return null;
  const text = m.t(`announce.milestone.${payload.award.kind}`, { nth: ordinal(mile.count, m) });
  return mile.yearCount >= 1
    ? m.t('announce.milestoneYear', {
        milestone: text,
        nth: ordinal(mile.yearCount, m),
        year: String(mile.year),
      })
    : text;
}

function renderAward(payload: AwardPayload, urls: RaUrls, m: Messages): AnnouncementMessage {
  const { award, game, progress } = payload;
  const kind = award.kind;
  const awardedAt = parseIsoDate(award.at);
  const firstAt = parseIsoDate(award.firstUnlockAt);
  const took = awardedAt && firstAt && awardedAt >= firstAt ? awardedAt.getTime() - firstAt.getTime() : null;
  const hardcoreAward = isHardcoreAward(kind);
  const earned = hardcoreAward ? progress.numAwardedToUserHardcore : progress.numAwardedToUser;

  const fields: NonNullable<APIEmbed['fields']> = [
    {
      name: m.t('announce.fieldAward'),
      value: `${AWARD_EMOJI[kind]} ${m.t(`award.label.${kind}`)}`,
      inline: true,
    },
    {
      name: m.t('announce.fieldAchievements'),
      value: game.numAchievements > 0 ? `${m.count(earned)}/${m.count(game.numAchievements)}` : '—',
      inline: true,
    },
    {
      name: m.t('announce.fieldSet'),
      value: `${pointsText(game.totalPoints, m)} · ${m.t('announce.retroPoints', { points: game.totalRetroPoints })}`,
      inline: true,
    },
  ];
  if (took !== null) {
    fields.push({ name: m.t('announce.fieldTimeTaken'), value: humanizeDuration(took, m), inline: true });
  }
  const awardedText = discordTimestamp(awardedAt, 'D');
  if (awardedText) fields.push({ name: m.t('announce.fieldAwarded'), value: awardedText, inline: true });

  const milestone = milestoneText(payload, m);
  if (milestone) fields.push({ name: m.t('announce.fieldMilestone'), value: milestone, inline: true });

  const label = `${AWARD_EMOJI[kind]} ${m.t(`award.label.${kind}`)}: `;
  const sentence = awardSentence(payload, gameLink(payload, urls, m), m);
  const embed: APIEmbed = {
    author: author(payload, urls, m),
    title: `${label}${safeText(game.title, EMBED_LIMITS.title - label.length, { singleLine: true, fallback: m.t('common.game', { id: game.id }) })}`,
    url: urls.game(game.id),
    description: `${took !== null ? m.t('announce.awardIn', { sentence, duration: humanizeDuration(took, m) }) : m.t('announce.awardDone', { sentence })}\n${consoleName(payload, m)}`,
    color: AWARD_COLORS[kind],
    thumbnail: { url: urls.image(game.imageIcon) },
    fields,
    footer: { text: m.t('common.retroachievements') },
  };
  // Box art makes an award stand out; without it the icon thumbnail alone will do.
  if (game.imageBoxArt.trim()) embed.image = { url: urls.image(game.imageBoxArt) };
  const at = awardedAt?.toISOString();
  if (at) embed.timestamp = at;

  const plainGame = `**${safeText(game.title, 150, { singleLine: true, fallback: m.t('common.game', { id: game.id }) })}**`;
  return {
    content: `${AWARD_EMOJI[kind]} ${m.t('announce.awardDone', { sentence: awardSentence(payload, plainGame, m) })}${milestone ? m.t('announce.thatIs', { milestone }) : ''}`,
    embeds: fitEmbeds([embed]),
  };
}

/** The Discord message for one outbox payload. Never contains text that can ping. */
export function renderAnnouncement(
  payload: AnnouncementPayload,
  urls: RaUrls,
  options: AnnouncementOptions = {},
): AnnouncementMessage {
  const m = options.messages ?? ENGLISH;
  const rendered = renderKind(payload, urls, options, m);
  const message = payload.challenge ? withChallengeNote(rendered, payload.challenge, m) : rendered;
  return options.memberId ? withMember(message, payload, options.memberId, m) : message;
}

/** The server challenge's one line ("🏁 Challenge: +3 points, now 2nd") under the description. */
function withChallengeNote(
  message: AnnouncementMessage,
  note: NonNullable<PayloadBase['challenge']>,
  m: Messages,
): AnnouncementMessage {
  const line =
    note.gained > 0
      ? m.t('challenge.noteGained', { count: note.gained, rank: m.ordinal(note.rank) })
      : m.t('challenge.noteHeld', {
          points: m.t('challenge.points', { count: note.points }),
          rank: m.ordinal(note.rank),
        });
  const [first, ...rest] = message.embeds;
  if (!first) return { ...message, content: message.content ? `${message.content}\n${line}` : line };
  const embed = { ...first, description: first.description ? `${first.description}\n${line}` : line };
  return { ...message, embeds: fitEmbeds([embed, ...rest]) };
}

function renderKind(
  payload: AnnouncementPayload,
  urls: RaUrls,
  options: AnnouncementOptions,
  m: Messages,
): AnnouncementMessage {
  switch (payload.kind) {
    case 'unlock':
      return renderUnlock(payload, urls, m);
    case 'unlock-bundle':
      return renderBundle(payload, urls, Math.floor(options.maxListed ?? 10), m);
    case 'award':
      return renderAward(payload, urls, m);
    case 'milestone':
      return renderMilestone(payload, urls, m);
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
  m: Messages,
): AnnouncementMessage {
  if (!/^\d{17,20}$/.test(memberId)) return message;
  const name = boldName(payload, m);
  const named = `${name} (<@${memberId}>)`;
  const content = message.content?.includes(name) ? message.content.replace(name, () => named) : named;
  return { ...message, content };
}
