/**
 * Nominations and votes for the next server challenge (issue 18). A vote's message, its result,
 * and what the winner starts are queued in the same transaction as the step that causes them, so
 * they go out exactly once across crashes and restarts.
 */
import {
  type ChallengeGame,
  type ChallengeVote,
  type ChallengeVotePayload,
  type ChallengeVoteResultPayload,
  startPayload,
  type VoteOption,
} from '../domain/challenges.js';
import type { ChallengeStartInput, ChallengeTables } from './challenges.js';
import type { Database } from './shared.js';
import { type Instant, toMs } from './shared.js';

/** Discord allows 25 buttons on a message. */
export const MAX_VOTE_OPTIONS = 25;

export type NominateResult = 'nominated' | 'replaced' | 'same' | 'vote-open';
export type BallotResult = 'cast' | 'changed' | 'same' | 'closed' | 'not-an-option';

interface VoteRow {
  id: number;
  guild_id: string;
  channel_id: string;
  ends_at: number;
  options: string;
  closed_at: number | null;
}

/** What closing a vote starts: the winner now (none running), or after the running one. */
export type WinnerStep =
  | { kind: 'start'; input: Omit<ChallengeStartInput, 'payload'> }
  | { kind: 'next'; channelId: string; game: ChallengeGame }
  | { kind: 'none' };

export class ChallengeVoteTables {
  private readonly stmt;
  private readonly nominateInTransaction;
  private readonly openInTransaction;
  private readonly ballotInTransaction;
  private readonly closeInTransaction;

  constructor(
    db: Database,
    private readonly challenges: ChallengeTables,
  ) {
    this.stmt = {
      nomination: db.prepare<[string, string], { game_id: number }>(
        'SELECT game_id FROM challenge_nominations WHERE guild_id = ? AND member_id = ?',
      ),
      nominate: db.prepare<[string, string, number, string, number]>(
        `INSERT INTO challenge_nominations (guild_id, member_id, game_id, game, nominated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (guild_id, member_id) DO UPDATE SET game_id = excluded.game_id, game = excluded.game,
           nominated_at = excluded.nominated_at`,
      ),
      options: db.prepare<[string, number], { game: string; n: number }>(
        `SELECT (SELECT n2.game FROM challenge_nominations n2 WHERE n2.guild_id = n.guild_id AND n2.game_id = n.game_id
                 ORDER BY n2.nominated_at DESC LIMIT 1) AS game, count(*) AS n
         FROM challenge_nominations n WHERE n.guild_id = ?
         GROUP BY n.game_id ORDER BY n DESC, min(n.nominated_at), n.game_id LIMIT ?`,
      ),
      clearNominations: db.prepare<[string]>('DELETE FROM challenge_nominations WHERE guild_id = ?'),
      open: db.prepare<[string], VoteRow>(
        'SELECT * FROM challenge_votes WHERE guild_id = ? AND closed_at IS NULL',
      ),
      byId: db.prepare<[number], VoteRow>('SELECT * FROM challenge_votes WHERE id = ?'),
      due: db.prepare<[number], VoteRow>(
        'SELECT * FROM challenge_votes WHERE closed_at IS NULL AND ends_at <= ? ORDER BY ends_at, id',
      ),
      insertVote: db.prepare<[string, string, number, string]>(
        'INSERT INTO challenge_votes (guild_id, channel_id, ends_at, options) VALUES (?, ?, ?, ?)',
      ),
      ballot: db.prepare<[number, string], { game_id: number }>(
        'SELECT game_id FROM challenge_ballots WHERE vote_id = ? AND member_id = ?',
      ),
      cast: db.prepare<[number, string, number, number]>(
        `INSERT INTO challenge_ballots (vote_id, member_id, game_id, voted_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (vote_id, member_id) DO UPDATE SET game_id = excluded.game_id, voted_at = excluded.voted_at`,
      ),
      tally: db.prepare<[number], { game_id: number; n: number }>(
        'SELECT game_id, count(*) AS n FROM challenge_ballots WHERE vote_id = ? GROUP BY game_id',
      ),
      close: db.prepare<[number, number]>(
        'UPDATE challenge_votes SET closed_at = ? WHERE id = ? AND closed_at IS NULL',
      ),
      forgetBallots: db.prepare<[string]>(
        'DELETE FROM challenge_ballots WHERE vote_id IN (SELECT id FROM challenge_votes WHERE guild_id = ?)',
      ),
      forgetVotes: db.prepare<[string]>('DELETE FROM challenge_votes WHERE guild_id = ?'),
    };
    this.nominateInTransaction = db.transaction(
      (guildId: string, memberId: string, game: ChallengeGame, now: number): NominateResult => {
        if (this.stmt.open.get(guildId)) return 'vote-open';
        const had = this.stmt.nomination.get(guildId, memberId);
        if (had?.game_id === game.id) return 'same';
        this.stmt.nominate.run(guildId, memberId, game.id, JSON.stringify(game), now);
        return had ? 'replaced' : 'nominated';
      },
    );
    this.openInTransaction = db.transaction(
      (guildId: string, channelId: string, endsAt: number, now: number): ChallengeVote | 'open' | 'empty' => {
        if (this.stmt.open.get(guildId)) return 'open';
        const options = this.nominations(guildId);
        if (options.length === 0) return 'empty';
        const id = Number(
          this.stmt.insertVote.run(guildId, channelId, endsAt, JSON.stringify(options)).lastInsertRowid,
        );
        const payload: ChallengeVotePayload = {
          version: 1,
          kind: 'challenge-vote',
          voteId: id,
          endsAt,
          options,
        };
        this.challenges.queuePost(guildId, channelId, 'challenge-vote', payload, now);
        return toVote(this.stmt.byId.get(id)!);
      },
    );
    this.ballotInTransaction = db.transaction(
      (voteId: number, memberId: string, gameId: number, now: number): BallotResult => {
        const vote = this.stmt.byId.get(voteId);
        if (!vote || vote.closed_at !== null || vote.ends_at <= now) return 'closed';
        if (!toVote(vote).options.some((o) => o.game.id === gameId)) return 'not-an-option';
        const had = this.stmt.ballot.get(voteId, memberId);
        if (had?.game_id === gameId) return 'same';
        this.stmt.cast.run(voteId, memberId, gameId, now);
        return had ? 'changed' : 'cast';
      },
    );
    this.closeInTransaction = db.transaction(
      (vote: ChallengeVote, result: ChallengeVoteResultPayload, step: WinnerStep, now: number): boolean => {
        // The guard and everything the result causes commit together: exactly once.
        if (this.stmt.close.run(now, vote.id).changes === 0) return false;
        this.challenges.queuePost(vote.guildId, vote.channelId, 'challenge-vote-result', result, now);
        if (step.kind === 'start') {
          const { game, startsAt, endsAt, softcore } = step.input;
          this.challenges.start(
            { ...step.input, payload: startPayload(game, startsAt, endsAt, softcore) },
            now,
          );
        } else if (step.kind === 'next') {
          this.challenges.setNext(vote.guildId, step.channelId, step.game, now);
        }
        this.stmt.clearNominations.run(vote.guildId);
        return true;
      },
    );
  }

  /** One nomination per member per cycle; a new one replaces theirs. Refused while a vote is open. */
  nominate(guildId: string, memberId: string, game: ChallengeGame, now: Instant): NominateResult {
    return this.nominateInTransaction(guildId, memberId, game, toMs(now));
  }

  /** The current nominations as vote options: most nominated first, then the earliest. */
  nominations(guildId: string): VoteOption[] {
    return this.stmt.options.all(guildId, MAX_VOTE_OPTIONS).map((r) => ({
      game: JSON.parse(r.game) as ChallengeGame,
      nominations: r.n,
    }));
  }

  /** Opens a vote on the nominations and queues its message; 'open' / 'empty' when it can't. */
  open(guildId: string, channelId: string, endsAt: number, now: Instant): ChallengeVote | 'open' | 'empty' {
    return this.openInTransaction(guildId, channelId, endsAt, toMs(now));
  }

  openVote(guildId: string): ChallengeVote | null {
    const row = this.stmt.open.get(guildId);
    return row ? toVote(row) : null;
  }

  due(now: Instant): ChallengeVote[] {
    return this.stmt.due.all(toMs(now)).map(toVote);
  }

  /** One vote per member, changeable until the vote closes. */
  cast(voteId: number, memberId: string, gameId: number, now: Instant): BallotResult {
    return this.ballotInTransaction(voteId, memberId, gameId, toMs(now));
  }

  /** Votes per game id. */
  tally(voteId: number): Map<number, number> {
    return new Map(this.stmt.tally.all(voteId).map((r) => [r.game_id, r.n]));
  }

  /** Closes the vote, queues its result and starts (or queues) the winner, once: false if already closed. */
  close(vote: ChallengeVote, result: ChallengeVoteResultPayload, step: WinnerStep, now: Instant): boolean {
    return this.closeInTransaction(vote, result, step, toMs(now));
  }

  forgetGuild(guildId: string): void {
    this.stmt.forgetBallots.run(guildId);
    this.stmt.forgetVotes.run(guildId);
    this.stmt.clearNominations.run(guildId);
  }
}

function toVote(row: VoteRow): ChallengeVote {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    endsAt: row.ends_at,
    options: JSON.parse(row.options) as VoteOption[],
    closedAt: row.closed_at,
  };
}
