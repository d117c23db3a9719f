/**
 * Community posts and views: the weekly digest, the "new Achievement of the Week" post and the
 * `/aotw` answer. Pure; payloads hold everything (a digest renders the same when posted late).
 */

import type { APIEmbed } from 'discord.js';
import type { DigestPayload } from '../domain/community.js';
import { AOTW_LENGTH_MS, type AotwData, type AotwPayload } from '../domain/community.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import type { RaUrls } from '../ra/urls.js';
import type { AnnouncementMessage } from './announce.js';
import { AWARD_EMOJI, discordTimestamp, formatRarity, parseIsoDate } from './style.js';
import { EMBED_LIMITS, fitEmbeds, joinLinesWithin, safeText } from './text.js';

const ENGLISH = messagesFor('en-US');

const DIGEST_COLOR = 0x3498db;
const AOTW_COLOR = 0xf1c40f;
const MEDALS = ['🥇', '🥈', '🥉'];

const name = (m: Messages, text: string, max = 40) =>
  safeText(text, max, { singleLine: true, fallback: m.t('common.someone') });
const title = (m: Messages, text: string | null, id: number, max = 80) =>
  safeText(text, max, { singleLine: true, fallback: m.t('common.game', { id }) });

export function renderDigest(
  payload: DigestPayload,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage {
  const from = parseIsoDate(payload.from);
  const to = parseIsoDate(payload.to);
  const fields: NonNullable<APIEmbed['fields']> = [];
  const gainers = payload.gainers.map(
    (g) =>
      `${g.rank <= 3 ? MEDALS[g.rank - 1] : `\`#${g.rank}\``} [${name(m, g.displayName)}](${urls.userById(g.ulid)}) · ` +
      m.t('community.gainerLine', { points: g.points, unlocks: g.unlocks }),
  );
  fields.push({
    name: m.t('community.topGainers'),
    value:
      joinLinesWithin(gainers, 1024, (n) => m.t('common.moreLines', { count: n })) ||
      m.t('community.noGainers'),
  });
  const awards = payload.awards.map(
    (a) =>
      `${AWARD_EMOJI[a.kind]} ${name(m, a.displayName)}: [${title(m, a.gameTitle, a.gameId)}](${urls.game(a.gameId)}) · ${m.t(`award.label.${a.kind}`)}`,
  );
  fields.push({
    name: m.t('community.awards'),
    value:
      joinLinesWithin(awards, 1024, (n) => m.t('common.moreLines', { count: n }), payload.moreAwards) ||
      m.t('community.noAwards'),
  });
  const r = payload.rarest;
  if (r) {
    const rarity = formatRarity(r.numAwarded, r.numDistinctPlayers, m);
    const achievement = `[**${safeText(r.title, 100, { singleLine: true, fallback: m.t('common.achievement', { id: r.achievementId }) })}**](${urls.achievement(r.achievementId)})`;
    const game = `[${title(m, r.gameTitle, r.gameId)}](${urls.game(r.gameId)})`;
    fields.push({
      name: m.t('community.rarest'),
      value: `${m.t('community.rarestLine', { achievement, name: name(m, r.displayName), game })}${rarity ? ` · ${m.t('announce.rarity', { all: rarity })}` : ''} · ${m.t('announce.points', { count: r.points })}`,
    });
  }
  const g = payload.mostPlayed;
  if (g) {
    fields.push({
      name: m.t('community.mostPlayed'),
      value: `[${title(m, g.title, g.gameId, 120)}](${urls.game(g.gameId)})${g.consoleName ? ` · ${safeText(g.consoleName, 40, { singleLine: true })}` : ''} · ${m.t('community.mostPlayedLine', { count: g.players, unlocks: g.unlocks })}`,
    });
  }
  const embed: APIEmbed = {
    title: m.t('community.digestTitle'),
    description: `${discordTimestamp(from, 'f') ?? ''} – ${discordTimestamp(to, 'f') ?? ''} · ${m.t('community.trackedUsers', { count: payload.trackedCount })}`,
    color: DIGEST_COLOR,
    fields,
    footer: { text: m.t('community.digestFooter') },
  };
  if (to) embed.timestamp = to.toISOString();
  return { embeds: fitEmbeds([embed]) };
}

function aotwEmbed(aotw: Omit<AotwData, 'unlocks'>, urls: RaUrls, m: Messages): APIEmbed {
  const a = aotw.achievement;
  const start = parseIsoDate(aotw.startAt);
  const end = start ? new Date(start.getTime() + AOTW_LENGTH_MS) : null;
  const fields: NonNullable<APIEmbed['fields']> = [
    {
      name: m.t('community.fieldGame'),
      value: `[${title(m, aotw.game.title, aotw.game.id, 150)}](${urls.game(aotw.game.id)})${aotw.consoleName ? ` · ${safeText(aotw.consoleName, 60, { singleLine: true })}` : ''}`,
    },
    {
      name: m.t('announce.fieldPoints'),
      value: `${m.count(a.points)} · ${m.t('announce.retroPoints', { points: a.retroPoints })}`,
      inline: true,
    },
  ];
  if (start) {
    fields.push({
      name: m.t('community.runs'),
      value: m.t('community.runsValue', {
        start: discordTimestamp(start, 'D') ?? '',
        end: discordTimestamp(end, 'D') ?? '',
        relative: discordTimestamp(end, 'R') ?? '',
      }),
      inline: true,
    });
  }
  return {
    author: { name: m.t('announce.aotw') },
    title: safeText(a.title, EMBED_LIMITS.title, {
      singleLine: true,
      fallback: m.t('common.achievement', { id: a.id }),
    }),
    url: urls.achievement(a.id),
    description: safeText(a.description, 1000) || undefined,
    thumbnail: { url: urls.badge(a.badgeName) },
    color: AOTW_COLOR,
    fields,
    footer: { text: m.t('common.retroachievements') },
  };
}

export function renderAotwPost(
  payload: AotwPayload,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage {
  return {
    content: m.t('community.aotwStarted', {
      title: `**${safeText(payload.aotw.achievement.title, 150, { singleLine: true })}**`,
    }),
    embeds: fitEmbeds([aotwEmbed(payload.aotw, urls, m)]),
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
  /** The reader's language (default English). */
  messages?: Messages;
}): APIEmbed {
  const { aotw, urls } = input;
  const m = input.messages ?? ENGLISH;
  if (!aotw) {
    return {
      title: m.t('announce.aotw'),
      description: input.checkedAt ? m.t('community.aotwNone') : m.t('community.aotwNotRead'),
      color: AOTW_COLOR,
    };
  }
  const embed = aotwEmbed(aotw, urls, m);
  const lines = input.holders.map(
    (h) => `${h.hardcore ? '🏆' : '🔓'} [${name(m, h.displayName)}](${urls.userById(h.ulid)})`,
  );
  const value =
    input.trackedCount === 0
      ? m.t('community.nobodyTracked')
      : joinLinesWithin(lines, 1024, (n) => m.t('common.moreLines', { count: n })) ||
        m.t('community.noHolders', { count: input.trackedCount });
  embed.fields = [
    ...(embed.fields ?? []),
    { name: m.t('community.holders', { count: input.holders.length }), value },
  ];
  if (input.checkedAt) embed.footer = { text: m.t('community.readFooter') };
  if (input.checkedAt) embed.timestamp = input.checkedAt.toISOString();
  return fitEmbeds([embed])[0]!;
}

/** Dispatcher entry for the community outbox kinds; null for other kinds. */
export function renderCommunityPost(
  kind: string,
  json: string,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage | null {
  if (kind !== 'digest' && kind !== 'aotw') return null;
  const payload = JSON.parse(json) as DigestPayload | AotwPayload;
  if (payload.version !== 1 || payload.kind !== kind)
    throw new Error(`payload of kind ${kind} is of another version`);
  return payload.kind === 'digest' ? renderDigest(payload, urls, m) : renderAotwPost(payload, urls, m);
}
