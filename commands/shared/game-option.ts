/**
 * The `game` option, shared by every command that takes one: suggestions as you type (the
 * user's recent games first when the command knows them, then the catalogue) and the same
 * lookup for a title typed without picking a suggestion. Ambiguity is never guessed: it is an
 * `AmbiguousGameError` the command turns into a reply with one button per candidate.
 *
 *   .addStringOption((o) => gameOption(o))                       // definition
 *   autocomplete: gameChoices(ctx, typed, recentGames?)          // choices
 *   execute:      const id = resolveGame(ctx, input, recentGames?)
 *                 (catch AmbiguousGameError -> gamePickerReply(error, (id) => yourCustomId(id)))
 */
import type { SlashCommandStringOption } from '@discordjs/builders';
import { bareTitle } from '../../src/catalogue/search.js';
import { indexTitle, queryWords } from '../../src/catalogue/title.js';
import { type CommandContext, UserFacingError } from '../../src/discord/command.js';
import type { Messages } from '../../src/i18n/index.js';
import type { RecentlyPlayedGame } from '../../src/ra/types.js';
import { parseGameId } from '../../src/ra/validate.js';
import { type PickCandidate, renderGamePicker } from '../../src/render/game.js';
import { plainText, safeText } from '../../src/render/text.js';
import { english } from './locale.js';

/** Discord's limit on choices. */
const MAX_CHOICES = 25;
/** Candidates offered when a typed title matches several games. */
const PICKER_SIZE = 5;

export function gameOption(
  option: SlashCommandStringOption,
  description = english('cmd.game.game'),
): SlashCommandStringOption {
  return option
    .setName('game')
    .setDescription(description)
    .setRequired(true)
    .setAutocomplete(true)
    .setMaxLength(200);
}

/** What a suggestion shows; a typed copy of it resolves to that very game. */
export function gameLabel(game: { title: string; consoleName: string }): string {
  return `${game.title} · ${game.consoleName}`;
}

export class AmbiguousGameError extends UserFacingError {
  constructor(
    readonly query: string,
    readonly candidates: readonly PickCandidate[],
  ) {
    super((m) => m.t('game.pickerQuestion', { query: safeText(query, 80, { singleLine: true }) }));
    this.name = 'AmbiguousGameError';
  }
}

/** The reply for an ambiguous title: the candidates as buttons (ids built by the command). */
export function gamePickerReply(
  error: AmbiguousGameError,
  customIdFor: (gameId: number) => string,
  messages?: Messages,
) {
  return {
    ...renderGamePicker(error.query, error.candidates, customIdFor, messages),
    embeds: [],
    allowedMentions: { parse: [] as const },
  };
}

const folded = (text: string) => queryWords(text).join(' ');

/** Does a recently played game match what was typed (words, numerals, abbreviations)? */
function recentMatches(game: RecentlyPlayedGame, ws: readonly string[]): boolean {
  if (ws.length === 0) return true;
  const index = indexTitle(game.title);
  const tokens = [...index.terms.split(' '), ...index.initials.split(' '), ...queryWords(game.consoleName)];
  return ws.every((w, i) => (i === ws.length - 1 ? tokens.some((t) => t.startsWith(w)) : tokens.includes(w)));
}

/** Autocomplete choices: recent games first (when given), then the catalogue; value = game id. */
export function gameChoices(
  ctx: CommandContext,
  typed: string,
  recent: readonly RecentlyPlayedGame[] = [],
): { name: string; value: string }[] {
  const text = typed.trim();
  const id = parseGameId(text);
  const ws = queryWords(text);
  const seen = new Set<number>();
  const choices: { name: string; value: string }[] = [];
  const push = (gameId: number, label: string) => {
    if (seen.has(gameId) || choices.length >= MAX_CHOICES) return;
    seen.add(gameId);
    choices.push({ name: plainText(label, 100, String(gameId)), value: String(gameId) });
  };
  for (const g of recent) {
    if (recentMatches(g, ws) || (id !== null && String(g.gameId).startsWith(String(id)))) {
      push(g.gameId, gameLabel(g));
    }
  }
  const known = id === null ? null : ctx.catalogue.game(id);
  if (known) push(known.id, gameLabel(known));
  if (ws.length > 0) {
    for (const g of ctx.catalogue.search(text, { limit: MAX_CHOICES })) push(g.id, gameLabel(g));
  }
  return choices;
}

/**
 * A game id from what was typed: an id; a suggestion's label; else a title or abbreviation.
 * One match, one exact title, one main set, or one of the user's recent games wins; several
 * -> AmbiguousGameError; none -> a UserFacingError saying what to try.
 */
export function resolveGame(
  ctx: CommandContext,
  input: string,
  recent: readonly RecentlyPlayedGame[] = [],
): number {
  const text = input.trim();
  const id = parseGameId(text);
  if (id !== null) return id;
  const ws = queryWords(text);
  if (ws.length === 0) throw new UserFacingError((m) => m.t('errors.noGameGiven'));

  const wanted = folded(text);
  const byLabel = recent.find((g) => folded(gameLabel(g)) === wanted);
  if (byLabel) return byLabel.gameId;

  let matches = ctx.catalogue.lookup(text, { prefix: false, limit: 25 });
  if (matches.games.length === 0) matches = ctx.catalogue.lookup(text, { prefix: true, limit: 25 });
  const found = matches.games;
  const labelled = found.find((g) => folded(gameLabel(g)) === wanted);
  if (labelled) return labelled.id;
  // "sonic the hedgehog genesis": the whole title is what is left once the console is out.
  const wantedTitle = matches.words.join(' ');

  const recentHits = recent
    .filter((g) => recentMatches(g, ws))
    .map((g) => ({ id: g.gameId, title: g.title, consoleName: g.consoleName }));
  const exact = found.filter((g) => bareTitle(g.title) === wantedTitle);
  const exactMain = exact.filter((g) => g.kind === 'main');
  const one = (list: readonly PickCandidate[]) => (list.length === 1 ? list[0]!.id : null);
  // A whole title wins (the user's own recent game first, then a main set); several whole
  // titles are asked about; then a single recent game, a single match, or a single main set.
  const chosen =
    one(recentHits.filter((g) => bareTitle(g.title) === wanted)) ??
    one(exactMain) ??
    (exactMain.length === 0 ? one(exact) : null) ??
    (exact.length > 1
      ? null
      : (one(recentHits) ?? one(found) ?? one(found.filter((g) => g.kind === 'main'))));
  if (chosen !== null) return chosen;

  const candidates = exact.length > 1 ? exact : [...recentHits, ...found];
  const unique = [...new Map(candidates.map((c) => [c.id, c])).values()].slice(0, PICKER_SIZE);
  if (unique.length > 0) throw new AmbiguousGameError(text, unique);
  const query = safeText(text, 80, { singleLine: true });
  const key = ctx.catalogue.size() === 0 ? 'errors.noGameMatchNoCatalogue' : 'errors.noGameMatch';
  throw new UserFacingError((m) => m.t(key, { query }));
}

/** `<prefix>:pick:<invokerId>:<gameId>[:<extra>]` for a picker button (extra: e.g. an RA user). */
export function encodePickId(prefix: string, invokerId: string, gameId: number, extra = ''): string {
  return [prefix, 'pick', invokerId, String(gameId), ...(extra ? [extra] : [])].join(':');
}

export function decodePickId(
  prefix: string,
  customId: string,
): { invokerId: string; gameId: number; extra: string } | null {
  const match = new RegExp(`^${prefix}:pick:(\\d{1,20}):(\\d{1,9})(?::([A-Za-z0-9]{1,32}))?$`).exec(customId);
  if (!match) return null;
  return { invokerId: match[1]!, gameId: Number(match[2]), extra: match[3] ?? '' };
}
