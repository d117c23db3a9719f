/**
 * Server challenges: the start and results posts (from outbox payloads), `/challenge show` and
 * `/challenge history`, and the one-line note on announcements. Pure.
 */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';
import {
  type ArcadeRaceResultsPayload,
  type ArcadeRecordPayload,
  CHALLENGE_POST_KINDS,
  type ChallengeGame,
  type ChallengeHistoryEntry,
  type ChallengeResultsPayload,
  type ChallengeStanding,
  type ChallengeStartPayload,
  type ChallengeVotePayload,
  type ChallengeVoteResultPayload,
  type YearlyEntry,
} from '../domain/challenges.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import type { RaUrls } from '../ra/urls.js';
import type { AnnouncementMessage } from './announce.js';
import { renderArcadeRaceResults, renderArcadeRecord } from './arcade.js';
import { discordTimestamp } from './style.js';
import { fitEmbeds, joinLinesWithin, safeText } from './text.js';

const ENGLISH = messagesFor('en-US');
const COLOR = 0xe67e22;
const MEDALS = ['🥇', '🥈', '🥉'];
export const CHALLENGE_PAGE_SIZE = 10;
export const CHALLENGE_ID_PREFIX = 'chal';

const ts = (ms: number, style: 'D' | 'f' | 'R') => discordTimestamp(new Date(ms), style) ?? '';
const name = (m: Messages, text: string) =>
  safeText(text, 40, { singleLine: true, fallback: m.t('common.someone') });
const gameTitle = (m: Messages, game: ChallengeGame, max = 150) =>
  safeText(game.title, max, { singleLine: true, fallback: m.t('common.game', { id: game.id }) });
const rankMark = (rank: number) => (rank <= 3 ? MEDALS[rank - 1]! : `\`#${rank}\``);

function gameLine(game: ChallengeGame, urls: RaUrls, m: Messages): string {
  const console = safeText(game.consoleName, 60, { singleLine: true });
  return `[${gameTitle(m, game)}](${urls.game(game.id)})${console ? ` · ${console}` : ''}`;
}

function rulesField(softcore: boolean, m: Messages): NonNullable<APIEmbed['fields']>[number] {
  return {
    name: m.t('challenge.fieldPoints'),
    value: `${m.t('challenge.rules')}\n${softcore ? m.t('challenge.modeSoftcore') : m.t('challenge.modeHardcore')}`,
    inline: true,
  };
}

export function renderChallengeStart(
  payload: ChallengeStartPayload,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage {
  const { game } = payload;
  const embed: APIEmbed = {
    title: m.t('challenge.startTitle', { game: gameTitle(m, game, 200) }),
    url: urls.game(game.id),
    description: gameLine(game, urls, m),
    color: COLOR,
    fields: [
      {
        name: m.t('challenge.fieldRuns'),
        value: m.t('challenge.runsValue', {
          start: ts(payload.startsAt, 'f'),
          end: ts(payload.endsAt, 'f'),
          relative: ts(payload.endsAt, 'R'),
        }),
        inline: true,
      },
      rulesField(payload.softcore, m),
      {
        name: m.t('challenge.fieldSet'),
        value: m.t('challenge.setValue', { achievements: game.numAchievements, points: game.points }),
        inline: true,
      },
    ],
    thumbnail: { url: urls.image(game.imageIcon) },
    footer: { text: m.t('challenge.startFooter') },
  };
  if (game.imageBoxArt) embed.image = { url: urls.image(game.imageBoxArt) };
  return {
    content: m.t('challenge.startContent', { game: `**${gameTitle(m, game)}**` }),
    embeds: fitEmbeds([embed]),
  };
}

function pointsText(points: number, m: Messages): string {
  return m.t('challenge.points', { count: points });
}

function awardText(award: ChallengeStanding['award'], m: Messages): string {
  return award === 'mastered'
    ? ` · 👑 ${m.t('challenge.awardMastered')}`
    : award === 'beaten'
      ? ` · 🏁 ${m.t('challenge.awardBeaten')}`
      : '';
}

type ResultLine = ChallengeResultsPayload['standings'][number];

function resultLine(s: ResultLine, urls: RaUrls, m: Messages): string {
  return `${rankMark(s.rank)} [${name(m, s.displayName)}](${urls.userById(s.ulid)}) · ${pointsText(s.points, m)}${awardText(s.award, m)}`;
}

export function renderChallengeResults(
  payload: ChallengeResultsPayload,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage {
  const podium = payload.standings.filter((s) => s.rank <= 3).map((s) => resultLine(s, urls, m));
  const rest = payload.standings.filter((s) => s.rank > 3).map((s) => resultLine(s, urls, m));
  const fields: NonNullable<APIEmbed['fields']> = [
    { name: m.t('challenge.podium'), value: podium.join('\n') || m.t('challenge.nobodyScored') },
  ];
  if (rest.length > 0) {
    fields.push({
      name: m.t('challenge.table'),
      value: joinLinesWithin(rest, 1024, (n) => m.t('common.moreLines', { count: n })),
    });
  }
  const embed: APIEmbed = {
    title: m.t('challenge.resultsTitle', { game: gameTitle(m, payload.game, 200) }),
    url: urls.game(payload.game.id),
    description: `${gameLine(payload.game, urls, m)}\n${ts(payload.startsAt, 'D')} – ${ts(payload.endsAt, 'D')} · ${m.t('challenge.participants', { count: payload.standings.length })}`,
    color: COLOR,
    fields,
    thumbnail: { url: urls.image(payload.game.imageIcon) },
    footer: { text: m.t('challenge.resultsFooter') },
    timestamp: new Date(payload.endsAt).toISOString(),
  };
  return {
    content: m.t('challenge.resultsContent', { game: `**${gameTitle(m, payload.game)}**` }),
    embeds: fitEmbeds([embed]),
  };
}

/** What a `/challenge show` page button carries (all of it: a click needs no server-side state). */
export interface ChallengeShowState {
  page: number;
  invokerId: string;
  /** Unix seconds: buttons work for 15 minutes. */
  issuedAt: number;
  /** The RA user whose line is always shown (the invoker's linked account). */
  highlight: string | null;
}

export function encodeChallengeShowId(state: ChallengeShowState): string {
  return [CHALLENGE_ID_PREFIX, 'p', state.page, state.invokerId, state.issuedAt, state.highlight ?? '-'].join(
    ':',
  );
}

export function decodeChallengeShowId(customId: string): ChallengeShowState | null {
  const match = /^chal:p:(\d{1,4}):(\d{1,20}):(\d{1,12}):([0-9A-Za-z]{1,26}|-)(?::x)?$/.exec(customId);
  if (!match) return null;
  return {
    page: Number(match[1]),
    invokerId: match[2]!,
    issuedAt: Number(match[3]),
    highlight: match[4] === '-' ? null : match[4]!,
  };
}

export interface ChallengeShowView {
  game: ChallengeGame;
  startsAt: number;
  endsAt: number;
  softcore: boolean;
  /** Past its end, results about to be posted. */
  ended: boolean;
  standings: readonly ChallengeStanding[];
  trackedCount: number;
  state: ChallengeShowState;
  /** The invoker's name when they are tracked here but not on the board. */
  highlightName: string | null;
  urls: RaUrls;
  messages?: Messages;
}

function showLine(s: ChallengeStanding, view: ChallengeShowView, m: Messages): string {
  const total = view.game.numAchievements;
  const earned = view.softcore ? s.earned : s.earnedHardcore;
  const when = s.reachedAt > 0 ? ` · ${ts(s.reachedAt, 'R')}` : '';
  const text = `${rankMark(s.rank)} [${name(m, s.displayName)}](${view.urls.userById(s.ulid)}) · ${pointsText(s.points, m)} · ${m.t('challenge.progress', { earned, total })}${awardText(s.award, m)}${when}`;
  return s.ulid === view.state.highlight ? `**${text}** ◀` : text;
}

export function renderChallengeShow(view: ChallengeShowView): {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
} {
  const m = view.messages ?? ENGLISH;
  const { standings, state } = view;
  const pages = Math.max(1, Math.ceil(standings.length / CHALLENGE_PAGE_SIZE));
  const page = Math.min(Math.max(0, state.page), pages - 1);
  const shown = standings.slice(page * CHALLENGE_PAGE_SIZE, (page + 1) * CHALLENGE_PAGE_SIZE);
  const lines = shown.map((s) => showLine(s, view, m));
  if (standings.length === 0) {
    lines.push(view.trackedCount === 0 ? m.t('community.nobodyTracked') : m.t('challenge.nobodyYet'));
  }
  if (state.highlight && !shown.some((s) => s.ulid === state.highlight)) {
    const own = standings.find((s) => s.ulid === state.highlight);
    if (own) lines.push('…', showLine(own, view, m));
    else if (view.highlightName) {
      lines.push('', m.t('challenge.youNotScored', { name: `**${name(m, view.highlightName)}**` }));
    }
  }
  const when = view.ended
    ? m.t('challenge.showEnded')
    : m.t('challenge.showEnds', { end: ts(view.endsAt, 'f'), relative: ts(view.endsAt, 'R') });
  const embed: APIEmbed = {
    title: m.t('challenge.showTitle', { game: gameTitle(m, view.game, 200) }),
    url: view.urls.game(view.game.id),
    description: `${gameLine(view.game, view.urls, m)}\n${when}\n\n${joinLinesWithin(lines, 3800)}`,
    color: COLOR,
    thumbnail: { url: view.urls.image(view.game.imageIcon) },
    footer: {
      text: `${m.t('challenge.page', { page: page + 1, pages })} · ${m.t('challenge.rules')} · ${view.softcore ? m.t('challenge.modeSoftcore') : m.t('challenge.modeHardcore')}`,
    },
  };
  const button = (label: string, target: number, disabled: boolean): APIButtonComponent => ({
    type: 2,
    style: 2,
    label,
    custom_id: encodeChallengeShowId({ ...state, page: Math.max(0, target) }) + (disabled ? ':x' : ''),
    disabled,
  });
  const components: APIActionRowComponent<APIButtonComponent>[] =
    pages > 1
      ? [
          {
            type: 1,
            components: [
              button(m.t('challenge.previous'), page - 1, page === 0),
              button(m.t('challenge.next'), page + 1, page >= pages - 1),
            ],
          },
        ]
      : [];
  return { embeds: fitEmbeds([embed]), components };
}

export function renderChallengeHistory(input: {
  year: number;
  challenges: readonly ChallengeHistoryEntry[];
  yearly: readonly YearlyEntry[];
  urls: RaUrls;
  messages?: Messages;
}): APIEmbed {
  const m = input.messages ?? ENGLISH;
  const { urls } = input;
  const past = input.challenges.map((c) => {
    const winner = c.winner
      ? m.t('challenge.historyWinner', {
          name: `[${name(m, c.winner.displayName)}](${urls.userById(c.winner.ulid)})`,
          points: pointsText(c.winner.points, m),
        })
      : m.t('challenge.historyNoWinner');
    return `[${gameTitle(m, c.game, 80)}](${urls.game(c.game.id)}) · ${ts(c.startsAt, 'D')} – ${ts(c.endsAt, 'D')} · ${winner}`;
  });
  const table = input.yearly.map(
    (e, i) =>
      `${rankMark(i + 1)} [${name(m, e.displayName)}](${urls.userById(e.ulid)}) · ${pointsText(e.points, m)} · ${m.t('challenge.challengeCount', { count: e.challenges })} · ${m.t('challenge.winCount', { count: e.wins })}`,
  );
  const embed: APIEmbed = {
    title: m.t('challenge.historyTitle', { year: String(input.year) }),
    color: COLOR,
    fields: [
      {
        name: m.t('challenge.pastChallenges'),
        value:
          joinLinesWithin(past, 1024, (n) => m.t('common.moreLines', { count: n })) ||
          m.t('challenge.historyNone', { year: String(input.year) }),
      },
      {
        name: m.t('challenge.yearlyTable'),
        value:
          joinLinesWithin(table, 1024, (n) => m.t('common.moreLines', { count: n })) ||
          m.t('challenge.nobodyScored'),
      },
    ],
  };
  return fitEmbeds([embed])[0]!;
}

/** `chal:v:<voteId>:<gameId>`: a vote button. */
export function encodeVoteId(voteId: number, gameId: number): string {
  return [CHALLENGE_ID_PREFIX, 'v', voteId, gameId].join(':');
}

export function decodeVoteId(customId: string): { voteId: number; gameId: number } | null {
  const match = /^chal:v:(\d{1,12}):(\d{1,9})$/.exec(customId);
  return match ? { voteId: Number(match[1]), gameId: Number(match[2]) } : null;
}

/** The vote's message: the nominations, one button each (five rows of five at most). */
export function renderChallengeVote(
  payload: ChallengeVotePayload,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage & { components: APIActionRowComponent<APIButtonComponent>[] } {
  const lines = payload.options.map(
    (o, i) =>
      `${i + 1}. ${gameLine(o.game, urls, m)} · ${m.t('challenge.nominations', { count: o.nominations })}`,
  );
  const embed: APIEmbed = {
    title: m.t('challenge.voteTitle'),
    description: `${joinLinesWithin(lines, 3500)}\n\n${m.t('challenge.voteCloses', { end: ts(payload.endsAt, 'f'), relative: ts(payload.endsAt, 'R') })}`,
    color: COLOR,
    footer: { text: m.t('challenge.voteFooter') },
  };
  const buttons: APIButtonComponent[] = payload.options.slice(0, 25).map((o, i) => ({
    type: 2,
    style: 1,
    label: `${i + 1}. ${safeText(o.game.title, 70, { singleLine: true, markdown: false, fallback: m.t('common.game', { id: o.game.id }) })}`,
    custom_id: encodeVoteId(payload.voteId, o.game.id),
  }));
  const components: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += 5)
    components.push({ type: 1, components: buttons.slice(i, i + 5) });
  return { content: m.t('challenge.voteContent'), embeds: fitEmbeds([embed]), components };
}

export function renderChallengeVoteResult(
  payload: ChallengeVoteResultPayload,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage {
  const lines = payload.tally.map(
    (t) => `${gameLine(t.game, urls, m)} · ${m.t('challenge.votes', { count: t.votes })}`,
  );
  const verdict = payload.winner
    ? [
        m.t('challenge.voteWinner', { game: `**${gameTitle(m, payload.winner)}**` }),
        ...(payload.tie ? [m.t('challenge.voteTie')] : []),
        payload.startsNow ? m.t('challenge.voteStartsNow') : m.t('challenge.voteStartsNext'),
      ].join(' ')
    : m.t('challenge.voteNoVotes');
  const embed: APIEmbed = {
    title: m.t('challenge.voteResultTitle'),
    description: `${verdict}\n\n${joinLinesWithin(lines, 3500)}`,
    color: COLOR,
  };
  if (payload.winner) embed.thumbnail = { url: urls.image(payload.winner.imageIcon) };
  return { content: m.t('challenge.voteResultContent'), embeds: fitEmbeds([embed]) };
}

/** Dispatcher entry for the challenge outbox kinds; null for other kinds. */
export function renderChallengePost(
  kind: string,
  json: string,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage | null {
  if (!(CHALLENGE_POST_KINDS as readonly string[]).includes(kind)) return null;
  const payload = JSON.parse(json) as
    | ChallengeStartPayload
    | ChallengeResultsPayload
    | ChallengeVotePayload
    | ChallengeVoteResultPayload
    | ArcadeRecordPayload
    | ArcadeRaceResultsPayload;
  if (payload.version !== 1 || payload.kind !== kind)
    throw new Error(`payload of kind ${kind} is of another version`);
  switch (payload.kind) {
    case 'challenge-start':
      return renderChallengeStart(payload, urls, m);
    case 'challenge-results':
      return renderChallengeResults(payload, urls, m);
    case 'challenge-vote':
      return renderChallengeVote(payload, urls, m);
    case 'challenge-vote-result':
      return renderChallengeVoteResult(payload, urls, m);
    case 'arcade-record':
      return renderArcadeRecord(payload, urls, m);
    case 'arcade-race-results':
      return renderArcadeRaceResults(payload, urls, m);
  }
}
