/**
 * RA's leaderboards in the fake world (issue 18): boards per game, where lower is better (times,
 * `rankAsc`) or higher is better (scores), each user's best entry (RA keeps the best one), ties
 * sharing a rank, and users with no entry. Served in RA's shapes by server.ts.
 */

export type FakeLeaderboardFormat =
  | 'VALUE'
  | 'SCORE'
  | 'TIME'
  | 'MILLISECS'
  | 'SECS'
  | 'MINUTES'
  | 'SECS_AS_MINS'
  | 'FIXED1'
  | 'FIXED2'
  | 'FIXED3'
  | 'TENS'
  | 'HUNDREDS'
  | 'THOUSANDS'
  | 'UNSIGNED';

export interface FakeLeaderboardInit {
  id: number;
  gameId: number;
  title: string;
  description?: string;
  format?: FakeLeaderboardFormat;
  /** True: lower is better (times). */
  rankAsc?: boolean;
  state?: 'active' | 'disabled' | 'unpublished';
  author?: string;
}

export interface FakeLeaderboard extends Required<FakeLeaderboardInit> {}

export interface FakeEntry {
  ulid: string;
  user: string;
  score: number;
  submittedAt: Date;
}

export interface RankedFakeEntry extends FakeEntry {
  rank: number;
  formatted: string;
}

const pad = (n: number, width = 2) => String(Math.floor(n)).padStart(width, '0');

/** RA's FormattedScore for the formats the fake uses (close enough to RA's for display). */
export function formatFakeScore(format: FakeLeaderboardFormat, score: number): string {
  switch (format) {
    case 'SCORE':
      return pad(score, 6);
    case 'TIME': {
      // Frames at 60/s.
      const centis = Math.floor((score * 100) / 60);
      return `${Math.floor(centis / 6000)}:${pad((centis / 100) % 60)}.${pad(centis % 100)}`;
    }
    case 'MILLISECS':
      return `${Math.floor(score / 6000)}:${pad((score / 100) % 60)}.${pad(score % 100)}`;
    case 'SECS':
      return `${Math.floor(score / 60)}:${pad(score % 60)}`;
    case 'MINUTES':
      return `${Math.floor(score / 60)}h${pad(score % 60)}`;
    case 'FIXED1':
      return (score / 10).toFixed(1);
    case 'FIXED2':
      return (score / 100).toFixed(2);
    case 'FIXED3':
      return (score / 1000).toFixed(3);
    default:
      return String(score);
  }
}

export class FakeLeaderboards {
  private readonly boards = new Map<number, FakeLeaderboard>();
  private readonly entries = new Map<number, Map<string, FakeEntry>>();

  add(init: FakeLeaderboardInit): FakeLeaderboard {
    const board: FakeLeaderboard = {
      description: '',
      format: 'VALUE',
      rankAsc: false,
      state: 'active',
      author: 'Dev',
      ...init,
    };
    this.boards.set(board.id, board);
    this.entries.set(board.id, new Map());
    return board;
  }

  board(id: number): FakeLeaderboard | undefined {
    return this.boards.get(id);
  }

  ofGame(gameId: number): FakeLeaderboard[] {
    return [...this.boards.values()].filter((b) => b.gameId === gameId).sort((a, b) => a.id - b.id);
  }

  /** A submission: kept only when it beats the user's entry (RA keeps each user's best). */
  submit(boardId: number, user: { ulid: string; displayName: string }, score: number, at: Date): boolean {
    const board = this.boards.get(boardId);
    if (!board) throw new Error(`fake RA: no leaderboard ${boardId}`);
    const entries = this.entries.get(boardId)!;
    const had = entries.get(user.ulid);
    if (had && !(board.rankAsc ? score < had.score : score > had.score)) return false;
    entries.set(user.ulid, { ulid: user.ulid, user: user.displayName, score, submittedAt: at });
    return true;
  }

  /** Best first; equal scores share a rank (then the earlier submission is listed first). */
  ranked(boardId: number): RankedFakeEntry[] {
    const board = this.boards.get(boardId);
    if (!board) return [];
    const list = [...this.entries.get(boardId)!.values()].sort(
      (a, b) =>
        (board.rankAsc ? a.score - b.score : b.score - a.score) ||
        a.submittedAt.getTime() - b.submittedAt.getTime(),
    );
    return list.map((e) => ({
      ...e,
      rank: 1 + list.filter((o) => (board.rankAsc ? o.score < e.score : o.score > e.score)).length,
      formatted: formatFakeScore(board.format, e.score),
    }));
  }
}
