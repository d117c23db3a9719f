/**
 * `/game`: a set's card (from RA) and who in this server plays it (from what the bot stored),
 * plus the "which game did you mean?" picker every game option uses.
 */

import { type APIEmbed, ButtonStyle, ComponentType } from 'discord.js';
import type { GamePlayer } from '../domain/community.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import { awardRank, type GameDetails } from '../ra/types.js';
import type { RaUrls } from '../ra/urls.js';
import type { MessageActionRow } from './progress.js';
import { AWARD_COLORS, AWARD_EMOJI, formatPercent } from './style.js';
import { joinLinesWithin, plainText, safeText } from './text.js';

const ENGLISH = messagesFor('en-US');

/** Players listed before "+N more". */
const PLAYERS_SHOWN = 15;
const FIELD_MAX = 1024;

export interface GameCardInput {
  game: GameDetails;
  /** Tracked users of this server with stored progress (any order). */
  players: readonly GamePlayer[];
  urls: RaUrls;
  /** Null outside a server. */
  guildName: string | null;
  /** The reader's language (default English). */
  messages?: Messages;
}

/** Best first: highest award, then most earned, then name. */
export function rankPlayers(players: readonly GamePlayer[]): GamePlayer[] {
  return [...players].sort(
    (a, b) =>
      awardRank(b.highestAward) - awardRank(a.highestAward) ||
      b.earned - a.earned ||
      b.earnedHardcore - a.earnedHardcore ||
      a.displayName.localeCompare(b.displayName),
  );
}

function playerLine(p: GamePlayer, total: number, urls: RaUrls, m: Messages): string {
  const name = `[${safeText(p.displayName, 40, { singleLine: true })}](${urls.userById(p.ulid)})`;
  const award = p.highestAward
    ? ` · ${AWARD_EMOJI[p.highestAward]} ${m.t(`award.label.${p.highestAward}`)}`
    : '';
  const hardcore = p.earnedHardcore > 0 ? m.t('game.hardcoreCount', { count: p.earnedHardcore }) : '';
  return `${name}: ${m.count(p.earned)}/${m.count(total)} · ${formatPercent(p.earned, total, m)}${hardcore}${award}`;
}

export function renderGameCard(input: GameCardInput): { embeds: APIEmbed[] } {
  const { game, urls } = input;
  const m = input.messages ?? ENGLISH;
  const players = rankPlayers(input.players);
  const facts = [
    safeText(game.consoleName || m.t('common.unknownConsole'), 60, { singleLine: true }),
    game.parentGameId
      ? m.t('game.subsetOf', {
          link: `[${m.t('game.gameLower', { id: String(game.parentGameId) })}](${urls.game(game.parentGameId)})`,
        })
      : null,
    game.released ? safeText(game.released, 30, { singleLine: true }) : null,
  ].filter(Boolean);
  const authors = game.authors.map(
    (a) => `${safeText(a.name, 30, { singleLine: true })} (${m.count(a.achievements)})`,
  );
  const fields: NonNullable<APIEmbed['fields']> = [
    {
      name: m.t('game.achievements'),
      value: m.t('game.achievementsValue', { count: game.numAchievements, points: game.points }),
      inline: true,
    },
    {
      name: m.t('game.players'),
      value:
        game.numDistinctPlayersHardcore > 0 && game.numDistinctPlayersHardcore !== game.numDistinctPlayers
          ? m.t('game.playersHardcore', {
              count: game.numDistinctPlayers,
              hardcore: game.numDistinctPlayersHardcore,
            })
          : m.count(game.numDistinctPlayers),
      inline: true,
    },
  ];
  if (authors.length > 0) {
    fields.push({
      name: m.t('game.setBy'),
      value: joinLinesWithin([authors.join(', ')], FIELD_MAX, (n) => m.t('common.moreLines', { count: n })),
      inline: false,
    });
  }
  const where = input.guildName
    ? m.t('game.inGuild', { guild: safeText(input.guildName, 60, { singleLine: true }) })
    : m.t('game.inThisServer');
  if (input.guildName !== null) {
    const lines = players.slice(0, PLAYERS_SHOWN).map((p) => playerLine(p, game.numAchievements, urls, m));
    if (players.length > PLAYERS_SHOWN)
      lines.push(m.t('common.moreLines', { count: players.length - PLAYERS_SHOWN }));
    const mastered = players.filter((p) => p.highestAward === 'mastered' || p.highestAward === 'completed');
    const beaten = players.filter((p) => p.highestAward?.startsWith('beaten'));
    const summary =
      players.length === 0
        ? m.t('game.nobody')
        : m.t('game.summary', { count: players.length, mastered: mastered.length, beaten: beaten.length });
    fields.push({
      name: where,
      value: joinLinesWithin([summary, ...lines], FIELD_MAX, (n) => m.t('common.moreLines', { count: n })),
      inline: false,
    });
  }
  const best = players[0]?.highestAward ?? null;
  const embed: APIEmbed = {
    title: plainText(game.title, 256, m.t('common.game', { id: game.id })),
    url: urls.game(game.id),
    description: facts.join(' · '),
    thumbnail: { url: urls.image(game.imageIcon) },
    image: { url: urls.image(game.imageBoxArt) },
    color: AWARD_COLORS[best ?? 'none'],
    fields,
    footer: { text: m.t('common.game', { id: String(game.id) }) },
  };
  return { embeds: [embed] };
}

export interface PickCandidate {
  id: number;
  title: string;
  consoleName: string;
}

/** "“sonic 2” matches several games": one button per candidate (the custom ids come from the caller). */
export function renderGamePicker(
  query: string,
  candidates: readonly PickCandidate[],
  customIdFor: (gameId: number) => string,
  m: Messages = ENGLISH,
): { content: string; components: MessageActionRow[] } {
  const shown = safeText(query, 80, { singleLine: true });
  const lines = candidates.map(
    (c) =>
      `• ${safeText(c.title, 80, { singleLine: true })} (${safeText(c.consoleName, 40, { singleLine: true })}) · ${m.t('game.id', { id: String(c.id) })}`,
  );
  const buttons = candidates.slice(0, 5).map((c) => ({
    type: ComponentType.Button as const,
    style: ButtonStyle.Secondary as const,
    custom_id: customIdFor(c.id),
    label: plainText(`${c.title} · ${c.consoleName}`, 80, m.t('common.game', { id: String(c.id) })),
  }));
  return {
    content: `${m.t('game.pickerQuestion', { query: shown })}\n${lines.join('\n')}`,
    components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
  };
}
