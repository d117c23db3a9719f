/** Arcade boards: the new-server-record post, and `/arcade show` (the server's boards, or one board). Pure. */
import type { APIEmbed } from 'discord.js';
import type {
  ArcadeBoard,
  ArcadeEntry,
  ArcadeRaceResultsPayload,
  ArcadeRecordPayload,
} from '../domain/challenges.js';
import { type Messages, messagesFor } from '../i18n/index.js';
import type { RaUrls } from '../ra/urls.js';
import type { AnnouncementMessage } from './announce.js';
import { discordTimestamp } from './style.js';
import { fitEmbeds, joinLinesWithin, safeText } from './text.js';

const ENGLISH = messagesFor('en-US');
const COLOR = 0x9b59b6;
const MEDALS = ['🥇', '🥈', '🥉'];

const name = (m: Messages, text: string) =>
  safeText(text, 40, { singleLine: true, fallback: m.t('common.someone') });
const boardTitle = (m: Messages, board: ArcadeBoard, max = 100) =>
  safeText(board.title, max, { singleLine: true, fallback: m.t('common.game', { id: board.id }) });
const gameLink = (m: Messages, board: ArcadeBoard, urls: RaUrls) =>
  `[${safeText(board.gameTitle, 100, { singleLine: true, fallback: m.t('common.game', { id: board.gameId }) })}](${urls.game(board.gameId)})`;
const score = (text: string) => safeText(text, 40, { singleLine: true });

export function renderArcadeRecord(
  payload: ArcadeRecordPayload,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage {
  const { board, entry, beat } = payload;
  const lines = [
    m.t('arcade.recordLine', {
      name: `[${name(m, entry.displayName)}](${urls.userById(entry.ulid)})`,
      score: score(entry.formattedScore),
      rank: entry.rank,
      game: gameLink(m, board, urls),
    }),
    beat
      ? m.t('arcade.recordBeat', { name: name(m, beat.displayName), score: score(beat.formattedScore) })
      : m.t('arcade.recordFirst'),
  ];
  const embed: APIEmbed = {
    title: boardTitle(m, board, 200),
    description: `${lines.join('\n')}\n*${safeText(board.description, 300, { singleLine: true })}*`,
    color: COLOR,
    footer: { text: board.rankAsc ? m.t('arcade.lowerBetter') : m.t('arcade.higherBetter') },
    timestamp: new Date(entry.at).toISOString(),
  };
  return {
    content: m.t('arcade.recordContent', { board: boardTitle(m, board) }),
    embeds: fitEmbeds([embed]),
  };
}

/** `/arcade show` without a board: the server's boards and their record holders. */
export function renderArcadeBoards(input: {
  boards: readonly { board: ArcadeBoard; best: ArcadeEntry | null }[];
  urls: RaUrls;
  messages?: Messages;
}): APIEmbed {
  const m = input.messages ?? ENGLISH;
  const lines = input.boards.map(({ board, best }) => {
    const record = best
      ? m.t('arcade.recordHolder', { name: name(m, best.displayName), score: score(best.formattedScore) })
      : m.t('arcade.noRecord');
    return `\`${board.id}\` **${boardTitle(m, board)}** · ${gameLink(m, board, input.urls)} · ${record}`;
  });
  return fitEmbeds([
    {
      title: m.t('arcade.boardsTitle'),
      description: joinLinesWithin(lines, 4000) || m.t('arcade.noBoards'),
      color: COLOR,
    },
  ])[0]!;
}

function entryLines(standings: readonly ArcadeEntry[], urls: RaUrls, m: Messages): string[] {
  return standings.map(
    (e, i) =>
      `${i < 3 ? MEDALS[i] : `\`#${i + 1}\``} [${name(m, e.displayName)}](${urls.userById(e.ulid)}) · **${score(e.formattedScore)}** · ${m.t('arcade.globalRank', { rank: e.rank })} · ${discordTimestamp(new Date(e.at), 'R') ?? ''}`,
  );
}

/** A race's podium and standings. */
export function renderArcadeRaceResults(
  payload: ArcadeRaceResultsPayload,
  urls: RaUrls,
  m: Messages = ENGLISH,
): AnnouncementMessage {
  const lines = entryLines(payload.standings, urls, m);
  const embed: APIEmbed = {
    title: m.t('arcade.racePodiumTitle', { board: boardTitle(m, payload.board, 200) }),
    description: `${gameLink(m, payload.board, urls)} · ${discordTimestamp(new Date(payload.startsAt), 'f') ?? ''} – ${discordTimestamp(new Date(payload.endsAt), 'f') ?? ''}\n\n${joinLinesWithin(lines, 3800, (n) => m.t('common.moreLines', { count: n })) || m.t('arcade.raceNobody')}`,
    color: COLOR,
    footer: { text: m.t('arcade.raceFooter') },
    timestamp: new Date(payload.endsAt).toISOString(),
  };
  return {
    content: m.t('arcade.racePodiumContent', { board: boardTitle(m, payload.board) }),
    embeds: fitEmbeds([embed]),
  };
}

/** `/arcade show leaderboard`: the server's tracked users on it, ranked, with RA's score and global rank; a running race's standings. */
export function renderArcadeBoard(input: {
  board: ArcadeBoard;
  standings: readonly ArcadeEntry[];
  race?: { endsAt: number; standings: readonly ArcadeEntry[] } | null;
  urls: RaUrls;
  messages?: Messages;
}): APIEmbed {
  const m = input.messages ?? ENGLISH;
  const lines = entryLines(input.standings, input.urls, m);
  const race = input.race;
  const fields = race
    ? [
        {
          name: m.t('arcade.raceField', { end: discordTimestamp(new Date(race.endsAt), 'f') ?? '' }),
          value: joinLinesWithin(entryLines(race.standings, input.urls, m), 1024) || m.t('arcade.raceNobody'),
        },
      ]
    : [];
  return fitEmbeds([
    {
      title: m.t('arcade.boardTitle', { board: boardTitle(m, input.board, 200) }),
      description: `${gameLink(m, input.board, input.urls)} · ${input.board.rankAsc ? m.t('arcade.lowerBetter') : m.t('arcade.higherBetter')}\n\n${joinLinesWithin(lines, 3800, (n) => m.t('common.moreLines', { count: n })) || m.t('arcade.noEntries')}`,
      color: COLOR,
      fields,
      footer: { text: m.t('community.readFooter') },
    },
  ])[0]!;
}
