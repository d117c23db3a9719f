/**
 * Community posts and views: the weekly digest, the "new Achievement of the Week" post and the
 * `/aotw` answer. Pure; payloads hold everything (a digest renders the same when posted late).
 */
import type { APIEmbed } from 'discord.js';
import type { DigestPayload } from '../domain/community.js';
import { AOTW_LENGTH_MS, type AotwData, type AotwPayload } from '../domain/community.js';
import type { RaUrls } from '../ra/urls.js';
import type { AnnouncementMessage } from './announce.js';
import {
  AWARD_EMOJI,
  AWARD_LABELS,
  discordTimestamp,
  formatCount,
  formatRarity,
  parseIsoDate,
} from './style.js';
import { EMBED_LIMITS, fitEmbeds, joinLinesWithin, safeText } from './text.js';

const DIGEST_COLOR = 0x3498db;
const AOTW_COLOR = 0xf1c40f;
const MEDALS = ['🥇', '🥈', '🥉'];

const name = (text: string, max = 40) => safeText(text, max, { singleLine: true, fallback: 'Someone' });
const title = (text: string | null, id: number, max = 80) =>
  safeText(text, max, { singleLine: true, fallback: `Game ${id}` });

export function renderDigest(payload: DigestPayload, urls: RaUrls): AnnouncementMessage {
  const from = parseIsoDate(payload.from);
  const to = parseIsoDate(payload.to);
  const fields: NonNullable<APIEmbed['fields']> = [];
  const gainers = payload.gainers.map(
    (g) =>
      `${g.rank <= 3 ? MEDALS[g.rank - 1] : `\`#${g.rank}\``} [${name(g.displayName)}](${urls.userById(g.ulid)}) · ` +
      `${formatCount(g.points)} points · ${formatCount(g.unlocks)} unlocks`,
  );
  fields.push({
    name: 'Top gainers (hardcore points)',
    value: joinLinesWithin(gainers, 1024) || 'Nobody scored hardcore points this week.',
  });
  const awards = payload.awards.map(
    (a) =>
      `${AWARD_EMOJI[a.kind]} ${name(a.displayName)}: [${title(a.gameTitle, a.gameId)}](${urls.game(a.gameId)}) · ${AWARD_LABELS[a.kind]}`,
  );
  fields.push({
    name: 'Masteries and beaten games',
    value:
      joinLinesWithin(awards, 1024, (n) => `+${formatCount(n)} more`, payload.moreAwards) ||
      'None this week.',
  });
  const r = payload.rarest;
  if (r) {
    const rarity = formatRarity(r.numAwarded, r.numDistinctPlayers);
    fields.push({
      name: 'Rarest unlock',
      value: `[**${safeText(r.title, 100, { singleLine: true, fallback: `Achievement ${r.achievementId}` })}**](${urls.achievement(r.achievementId)}) by ${name(r.displayName)} in [${title(r.gameTitle, r.gameId)}](${urls.game(r.gameId)})${rarity ? ` · ${rarity} of players` : ''} · ${formatCount(r.points)} points`,
    });
  }
  const g = payload.mostPlayed;
  if (g) {
    fields.push({
      name: 'Most played game',
      value: `[${title(g.title, g.gameId, 120)}](${urls.game(g.gameId)})${g.consoleName ? ` · ${safeText(g.consoleName, 40, { singleLine: true })}` : ''} · ${formatCount(g.players)} player${g.players === 1 ? '' : 's'}, ${formatCount(g.unlocks)} unlocks`,
    });
  }
  const embed: APIEmbed = {
    title: '📰 Weekly digest',
    description: `${discordTimestamp(from, 'f') ?? ''} – ${discordTimestamp(to, 'f') ?? ''} · ${formatCount(payload.trackedCount)} tracked users`,
    color: DIGEST_COLOR,
    fields,
    footer: { text: 'Counted from what the bot saw since each user was tracked here' },
  };
  if (to) embed.timestamp = to.toISOString();
  return { embeds: fitEmbeds([embed]) };
}

function aotwEmbed(aotw: Omit<AotwData, 'unlocks'>, urls: RaUrls): APIEmbed {
  const a = aotw.achievement;
  const start = parseIsoDate(aotw.startAt);
  const end = start ? new Date(start.getTime() + AOTW_LENGTH_MS) : null;
  const fields: NonNullable<APIEmbed['fields']> = [
    {
      name: 'Game',
      value: `[${title(aotw.game.title, aotw.game.id, 150)}](${urls.game(aotw.game.id)})${aotw.consoleName ? ` · ${safeText(aotw.consoleName, 60, { singleLine: true })}` : ''}`,
    },
    {
      name: 'Points',
      value: `${formatCount(a.points)} · ${formatCount(a.retroPoints)} RetroPoints`,
      inline: true,
    },
  ];
  if (start) {
    fields.push({
      name: 'Runs',
      value: `${discordTimestamp(start, 'D')} – ${discordTimestamp(end, 'D')} (ends ${discordTimestamp(end, 'R')})`,
      inline: true,
    });
  }
  return {
    author: { name: '⭐ Achievement of the Week' },
    title: safeText(a.title, EMBED_LIMITS.title, { singleLine: true, fallback: `Achievement ${a.id}` }),
    url: urls.achievement(a.id),
    description: safeText(a.description, 1000) || undefined,
    thumbnail: { url: urls.badge(a.badgeName) },
    color: AOTW_COLOR,
    fields,
    footer: { text: 'RetroAchievements' },
  };
}

export function renderAotwPost(payload: AotwPayload, urls: RaUrls): AnnouncementMessage {
  return {
    content: `⭐ A new Achievement of the Week has started: **${safeText(payload.aotw.achievement.title, 150, { singleLine: true })}**!`,
    embeds: fitEmbeds([aotwEmbed(payload.aotw, urls)]),
  };
}

export interface AotwHolder {
  ulid: string;
  displayName: string;
  hardcore: boolean;
}

/** `/aotw`: the current AotW and which of the server's tracked users have it. */
export function renderAotwStatus(input: {
  aotw: AotwData | null;
  holders: readonly AotwHolder[];
  trackedCount: number;
  checkedAt: Date | null;
  urls: RaUrls;
}): APIEmbed {
  const { aotw, urls } = input;
  if (!aotw) {
    return {
      title: '⭐ Achievement of the Week',
      description: input.checkedAt
        ? 'RetroAchievements has no Achievement of the Week set right now.'
        : 'The Achievement of the Week hasn’t been read from RetroAchievements yet; try again in a minute.',
      color: AOTW_COLOR,
    };
  }
  const embed = aotwEmbed(aotw, urls);
  const lines = input.holders.map(
    (h) => `${h.hardcore ? '🏆' : '🔓'} [${name(h.displayName)}](${urls.userById(h.ulid)})`,
  );
  const value =
    input.trackedCount === 0
      ? 'Nobody is tracked on this server.'
      : joinLinesWithin(lines, 1024) || `None of the ${formatCount(input.trackedCount)} tracked users yet.`;
  embed.fields = [
    ...(embed.fields ?? []),
    { name: `Tracked here who have it (${input.holders.length})`, value },
  ];
  if (input.checkedAt) embed.footer = { text: 'RetroAchievements · read' };
  if (input.checkedAt) embed.timestamp = input.checkedAt.toISOString();
  return fitEmbeds([embed])[0]!;
}

/** Dispatcher entry for the community outbox kinds; null for other kinds. */
export function renderCommunityPost(kind: string, json: string, urls: RaUrls): AnnouncementMessage | null {
  if (kind !== 'digest' && kind !== 'aotw') return null;
  const payload = JSON.parse(json) as DigestPayload | AotwPayload;
  if (payload.version !== 1 || payload.kind !== kind)
    throw new Error(`payload of kind ${kind} is of another version`);
  return payload.kind === 'digest' ? renderDigest(payload, urls) : renderAotwPost(payload, urls);
}
