/**
 * Server challenges (issue 18): one RA game, a window of time, points for what the server's
 * tracked users earn in it. Shared by the store (rows), the challenge feature (scoring, the
 * lifecycle) and render/ (posts and views).
 */

/** The game as shown on the challenge's card (copied at start: posts render without RA). */
export interface ChallengeGame {
  id: number;
  title: string;
  consoleName: string;
  imageIcon: string;
  imageBoxArt: string;
  numAchievements: number;
  points: number;
}

export interface Challenge {
  id: number;
  guildId: string;
  channelId: string;
  game: ChallengeGame;
  /** Epoch ms; only what is earned in [startsAt, endsAt) counts. */
  startsAt: number;
  endsAt: number;
  /** Softcore unlocks and awards count too (default: hardcore only). */
  softcore: boolean;
  /** Epoch ms when the results were queued; null while it runs. */
  finishedAt: number | null;
  startedBy: string;
}

/** What the store knows of one tracked user in the challenge's game, within its window. */
export interface ChallengeFacts {
  ulid: string;
  displayName: string;
  /** Epoch ms of the first unlock that counts (hardcore, or either mode when softcore counts); null: none. */
  firstUnlockAt: number | null;
  /** Epoch ms of a beaten / mastered award that counts; null: none. */
  beatenAt: number | null;
  masteredAt: number | null;
  /** Achievements of the game earned (either mode / hardcore), whenever: the progress shown. */
  earned: number;
  earnedHardcore: number;
}

export interface ChallengeStanding extends ChallengeFacts {
  /** 1-based; ties go to whoever got there first, so ranks are unique. */
  rank: number;
  points: number;
  /** Epoch ms when the user reached their points. */
  reachedAt: number;
  /** The best award that counted. */
  award: 'mastered' | 'beaten' | null;
}

/** The one line an unlock or award announcement of the challenge game carries. */
export interface ChallengeNote {
  /** Points gained by this announcement's event(s); 0 when it added none. */
  gained: number;
  points: number;
  rank: number;
}

/** Outbox payload: a challenge has started. */
export interface ChallengeStartPayload {
  version: 1;
  kind: 'challenge-start';
  game: ChallengeGame;
  startsAt: number;
  endsAt: number;
  softcore: boolean;
}

/** The start post's payload. */
export function startPayload(
  game: ChallengeGame,
  startsAt: number,
  endsAt: number,
  softcore: boolean,
): ChallengeStartPayload {
  return { version: 1, kind: 'challenge-start', game, startsAt, endsAt, softcore };
}

/** Outbox payload: a challenge's results (podium and the full table). */
export interface ChallengeResultsPayload {
  version: 1;
  kind: 'challenge-results';
  game: ChallengeGame;
  startsAt: number;
  endsAt: number;
  softcore: boolean;
  standings: Pick<ChallengeStanding, 'ulid' | 'displayName' | 'rank' | 'points' | 'award' | 'reachedAt'>[];
}

export type ChallengePostKind =
  | 'challenge-start'
  | 'challenge-results'
  | 'challenge-vote'
  | 'challenge-vote-result'
  | 'arcade-record'
  | 'arcade-race-results';
export const CHALLENGE_POST_KINDS: readonly ChallengePostKind[] = [
  'challenge-start',
  'challenge-results',
  'challenge-vote',
  'challenge-vote-result',
  'arcade-record',
  'arcade-race-results',
];

/** A finished challenge as `/challenge history` lists it. */
export interface ChallengeHistoryEntry {
  id: number;
  game: ChallengeGame;
  startsAt: number;
  endsAt: number;
  /** The winner, if anyone scored. */
  winner: { ulid: string; displayName: string; points: number } | null;
  participants: number;
}

/** One line of the yearly table: points summed over the year's challenges. */
export interface YearlyEntry {
  ulid: string;
  displayName: string;
  points: number;
  challenges: number;
  wins: number;
}

/** One option of a vote: a nominated game and how many members nominated it. */
export interface VoteOption {
  game: ChallengeGame;
  nominations: number;
}

/** An open (or closed) vote among the nominations. */
export interface ChallengeVote {
  id: number;
  guildId: string;
  channelId: string;
  endsAt: number;
  /** Most nominated first, then the earliest nominated (at most 25: Discord's buttons). */
  options: VoteOption[];
  closedAt: number | null;
}

/** Outbox payload: the vote's message, with one button per option. */
export interface ChallengeVotePayload {
  version: 1;
  kind: 'challenge-vote';
  voteId: number;
  endsAt: number;
  options: VoteOption[];
}

/** Outbox payload: the vote's result. */
export interface ChallengeVoteResultPayload {
  version: 1;
  kind: 'challenge-vote-result';
  /** Most votes first; a tie goes to the option listed first (most nominated, then earliest). */
  tally: { game: ChallengeGame; votes: number }[];
  winner: ChallengeGame | null;
  /** Several options shared the most votes. */
  tie: boolean;
  /** The winner starts now (no challenge was running), else when the running one ends. */
  startsNow: boolean;
}

/** A followed RA leaderboard as the server shows it (copied when followed: posts render without RA). */
export interface ArcadeBoard {
  id: number;
  gameId: number;
  gameTitle: string;
  title: string;
  description: string;
  format: string;
  /** True: lower is better (times). */
  rankAsc: boolean;
}

/** A tracked user's best entry on a board, as RA last showed it. */
export interface ArcadeEntry {
  ulid: string;
  displayName: string;
  score: number;
  formattedScore: string;
  /** Global rank on RA. */
  rank: number;
  /** Epoch ms: when it was set. */
  at: number;
}

/** Outbox payload: a new server record on a followed board. */
export interface ArcadeRecordPayload {
  version: 1;
  kind: 'arcade-record';
  board: ArcadeBoard;
  entry: ArcadeEntry;
  /** The record it beat (null: the board's first entry here). */
  beat: { ulid: string; displayName: string; formattedScore: string } | null;
}

/** A race on one followed board: only entries set between its start and end count. */
export interface ArcadeRace {
  id: number;
  guildId: string;
  channelId: string;
  board: ArcadeBoard;
  startsAt: number;
  endsAt: number;
}

/** Outbox payload: a race's podium and standings. */
export interface ArcadeRaceResultsPayload {
  version: 1;
  kind: 'arcade-race-results';
  board: ArcadeBoard;
  startsAt: number;
  endsAt: number;
  /** Best first. */
  standings: ArcadeEntry[];
}
