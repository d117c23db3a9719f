/**
 * `/game`: a set's card (from RA) and who in this server plays it (from what the bot stored),
 * plus the "which game did you mean?" picker every game option uses.
 */

import { type APIEmbed, ButtonStyle, ComponentType } from 'discord.js';
import type { GamePlayer } from '../domain/community.js';
import { messagesFor } from '../i18n/index.js';
import { awardRank, type GameDetails } from '../ra/types.js';
import type { RaUrls } from '../ra/urls.js';
import type { MessageActionRow } from './progress.js';
import { AWARD_COLORS, AWARD_EMOJI, formatCount, formatPercent } from './style.js';
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

function playerLine(p: GamePlayer, total: number, urls: RaUrls): string {
  const name = `[${safeText(p.displayName, 40, { singleLine: true })}](${urls.userById(p.ulid)})`;
  const award = p.highestAward
    ? ` · ${AWARD_EMOJI[p.highestAward]} ${ENGLISH.t(`award.label.${p.highestAward}`)}`
    : '';
  const hardcore = p.earnedHardcore > 0 ? ` (${p.earnedHardcore} hardcore)` : '';
  return `${name}: ${p.earned}/${total} · ${formatPercent(p.earned, total)}${hardcore}${award}`;
}

export function renderGameCard(input: GameCardInput): { embeds: APIEmbed[] } {
  const { game, urls } = input;
  const players = rankPlayers(input.players);
  const facts = [
    safeText(game.consoleName || 'Unknown console', 60, { singleLine: true }),
    game.parentGameId ? `subset of [game ${game.parentGameId}](${urls.game(game.parentGameId)})` : null,
    game.released ? safeText(game.released, 30, { singleLine: true }) : null,
  ].filter(Boolean);
  const authors = game.authors.map(
    (a) => `${safeText(a.name, 30, { singleLine: true })} (${formatCount(a.achievements)})`,
  );
  const fields: NonNullable<APIEmbed['fields']> = [
    {
      name: 'Achievements',
      value: `${formatCount(game.numAchievements)} · ${formatCount(game.points)} points`,
      inline: true,
    },
    {
      name: 'Players',
      value:
        game.numDistinctPlayersHardcore > 0 && game.numDistinctPlayersHardcore !== game.numDistinctPlayers
          ? `${formatCount(game.numDistinctPlayers)} (${formatCount(game.numDistinctPlayersHardcore)} hardcore)`
          : formatCount(game.numDistinctPlayers),
      inline: true,
    },
  ];
  if (authors.length > 0) {
    fields.push({ name: 'Set by', value: joinLinesWithin([authors.join(', ')], FIELD_MAX), inline: false });
  }
  const where = input.guildName
    ? `In ${safeText(input.guildName, 60, { singleLine: true })}`
    : 'In this server';
  if (input.guildName !== null) {
    const lines = players.slice(0, PLAYERS_SHOWN).map((p) => playerLine(p, game.numAchievements, urls));
    if (players.length > PLAYERS_SHOWN) lines.push(`+${players.length - PLAYERS_SHOWN} more`);
    const mastered = players.filter((p) => p.highestAward === 'mastered' || p.highestAward === 'completed');
    const beaten = players.filter((p) => p.highestAward?.startsWith('beaten'));
    const summary =
      players.length === 0
        ? 'Nobody this server tracks has progress here yet.'
        : `${players.length} tracked · ${mastered.length} mastered or completed · ${beaten.length} beaten`;
    fields.push({
      name: where,
      value: joinLinesWithin([summary, ...lines], FIELD_MAX),
      inline: false,
    });
  }
  const best = players[0]?.highestAward ?? null;
  const embed: APIEmbed = {
    title: plainText(game.title, 256, `Game ${game.id}`),
    url: urls.game(game.id),
    description: facts.join(' · '),
    thumbnail: { url: urls.image(game.imageIcon) },
    image: { url: urls.image(game.imageBoxArt) },
    color: AWARD_COLORS[best ?? 'none'],
    fields,
    footer: { text: `Game ${game.id}` },
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
): { content: string; components: MessageActionRow[] } {
  const shown = safeText(query, 80, { singleLine: true });
  const lines = candidates.map(
    (c) =>
      `• ${safeText(c.title, 80, { singleLine: true })} (${safeText(c.consoleName, 40, { singleLine: true })}) · id ${c.id}`,
  );
  const buttons = candidates.slice(0, 5).map((c) => ({
    type: ComponentType.Button as const,
    style: ButtonStyle.Secondary as const,
    custom_id: customIdFor(c.id),
    label: plainText(`${c.title} · ${c.consoleName}`, 80, `Game ${c.id}`),
  }));
  return {
    content: `“${shown}” matches several games. Which one did you mean?\n${lines.join('\n')}`,
    components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
  };
}
