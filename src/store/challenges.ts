/**
 * Server challenges (issue 18): the challenge rows, their kept results, and the posts they queue
 * in the outbox. A post is queued in the same transaction that records its step (started,
 * finished), so a crash or restart never queues it twice and never loses it.
 */
import {
  CHALLENGE_POST_KINDS,
  type Challenge,
  type ChallengeFacts,
  type ChallengeGame,
  type ChallengeHistoryEntry,
  type ChallengePostKind,
  type ChallengeStanding,
  startPayload,
  type YearlyEntry,
} from '../domain/challenges.js';
import { ARCADE_TABLES } from './arcade.js';
import { widenOutboxKinds } from './migrate-community.js';
import type { Database } from './shared.js';
import { type Instant, randomNonce, toFlag, toMs } from './shared.js';

const TABLES = `
CREATE TABLE challenges (
  id          INTEGER PRIMARY KEY,
  guild_id    TEXT NOT NULL,
  channel_id  TEXT NOT NULL,
  -- 1: the channel was given at start; 0: it follows the server's announcement channel.
  own_channel INTEGER NOT NULL DEFAULT 0 CHECK (own_channel IN (0, 1)),
  game_id     INTEGER NOT NULL,
  -- The game's card as read at start (title, console, images, size): posts render without RA.
  game        TEXT NOT NULL CHECK (json_valid(game)),
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  softcore    INTEGER NOT NULL CHECK (softcore IN (0, 1)),
  started_by  TEXT NOT NULL,
  -- Set (with the results and their post, in one transaction) when it ends: exactly once.
  finished_at INTEGER,
  -- The calendar year (server's zone) it ended in: the yearly table sums over it.
  year        INTEGER
);
-- One running challenge per server.
CREATE UNIQUE INDEX challenges_running ON challenges (guild_id) WHERE finished_at IS NULL;
CREATE INDEX challenges_by_year ON challenges (guild_id, year);
CREATE TABLE challenge_results (
  challenge_id INTEGER NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
  ulid         TEXT NOT NULL,
  display_name TEXT NOT NULL,
  rank         INTEGER NOT NULL,
  points       INTEGER NOT NULL,
  award        TEXT CHECK (award IN ('beaten', 'mastered')),
  reached_at   INTEGER NOT NULL,
  PRIMARY KEY (challenge_id, ulid)
) WITHOUT ROWID;
-- Nominations of the current cycle: one per member, replaceable; cleared when a vote closes.
CREATE TABLE challenge_nominations (
  guild_id     TEXT NOT NULL,
  member_id    TEXT NOT NULL,
  game_id      INTEGER NOT NULL,
  game         TEXT NOT NULL CHECK (json_valid(game)),
  nominated_at INTEGER NOT NULL,
  PRIMARY KEY (guild_id, member_id)
) WITHOUT ROWID;
CREATE TABLE challenge_votes (
  id         INTEGER PRIMARY KEY,
  guild_id   TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  ends_at    INTEGER NOT NULL,
  -- The options as listed in the vote's message (games and nomination counts).
  options    TEXT NOT NULL CHECK (json_valid(options)),
  closed_at  INTEGER
);
CREATE UNIQUE INDEX challenge_votes_open ON challenge_votes (guild_id) WHERE closed_at IS NULL;
CREATE TABLE challenge_ballots (
  vote_id   INTEGER NOT NULL REFERENCES challenge_votes (id) ON DELETE CASCADE,
  member_id TEXT NOT NULL,
  game_id   INTEGER NOT NULL,
  voted_at  INTEGER NOT NULL,
  PRIMARY KEY (vote_id, member_id)
) WITHOUT ROWID;
-- A vote's winner waiting for the running challenge to end; started in the same transaction.
CREATE TABLE challenge_next (
  guild_id   TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  game       TEXT NOT NULL CHECK (json_valid(game)),
  queued_at  INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** The migration (competitions): challenge and arcade tables, and the outbox learns their post kinds. */
export function migrateChallenges(db: Database): void {
  db.exec(TABLES);
  db.exec(ARCADE_TABLES);
  widenOutboxKinds(db, CHALLENGE_POST_KINDS);
}

interface ChallengeRow {
  id: number;
  guild_id: string;
  channel_id: string;
  game: string;
  starts_at: number;
  ends_at: number;
  softcore: number;
  started_by: string;
  finished_at: number | null;
}

interface FactsRow {
  ulid: string;
  displayName: string;
  firstUnlockS: number | null;
  beatenAt: number | null;
  masteredAt: number | null;
  earned: number;
  earnedHardcore: number;
}

/**
 * Per tracked user of the server: the first counting unlock in the window (earned times are unix
 * seconds), the counting awards in the window (award_log, epoch ms), and their progress.
 */
const FACTS_SQL = `
  SELECT t.ulid, t.display_name AS displayName,
    (SELECT min(x) FROM (
       SELECT CASE WHEN @soft = 1 THEN min(coalesce(e.softcore_at, e.hardcore_at), coalesce(e.hardcore_at, e.softcore_at))
                   ELSE e.hardcore_at END AS x
       FROM earned e WHERE e.user_id = u.id AND e.game_id = @game)
     WHERE x * 1000 >= @from AND x * 1000 < @to) AS firstUnlockS,
    (SELECT min(w.awarded_at) FROM award_log w WHERE w.user_id = u.id AND w.game_id = @game
       AND (w.kind = 'beaten-hardcore' OR (@soft = 1 AND w.kind = 'beaten-softcore'))
       AND w.awarded_at >= @from AND w.awarded_at < @to) AS beatenAt,
    (SELECT min(w.awarded_at) FROM award_log w WHERE w.user_id = u.id AND w.game_id = @game
       AND (w.kind = 'mastered' OR (@soft = 1 AND w.kind = 'completed'))
       AND w.awarded_at >= @from AND w.awarded_at < @to) AS masteredAt,
    (SELECT count(*) FROM earned e WHERE e.user_id = u.id AND e.game_id = @game) AS earned,
    (SELECT count(e.hardcore_at) FROM earned e WHERE e.user_id = u.id AND e.game_id = @game) AS earnedHardcore
  FROM tracked_users t JOIN ra_users u ON u.ulid = t.ulid
  WHERE t.guild_id = @guild
  ORDER BY t.display_name`;

export interface ChallengeStartInput {
  guildId: string;
  channelId: string;
  game: ChallengeGame;
  startsAt: number;
  endsAt: number;
  softcore: boolean;
  startedBy: string;
  /** The channel was given at start (else it follows the server's announcement channel). */
  ownChannel?: boolean;
  /** The start post (queued with the row). */
  payload: unknown;
}

export class ChallengeTables {
  private readonly stmt;
  private readonly startInTransaction;
  private readonly finishInTransaction;

  constructor(
    db: Database,
    private readonly nonce: () => string = randomNonce,
  ) {
    this.stmt = {
      running: db.prepare<[string], ChallengeRow>(
        'SELECT * FROM challenges WHERE guild_id = ? AND finished_at IS NULL',
      ),
      due: db.prepare<[number], ChallengeRow>(
        'SELECT * FROM challenges WHERE finished_at IS NULL AND ends_at <= ? ORDER BY ends_at, id',
      ),
      allRunning: db.prepare<[], ChallengeRow>('SELECT * FROM challenges WHERE finished_at IS NULL'),
      insert: db.prepare<[string, string, number, number, string, number, number, number, string]>(
        `INSERT INTO challenges (guild_id, channel_id, own_channel, game_id, game, starts_at, ends_at, softcore,
           started_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // A new announcement channel: what follows it moves there, waiting posts included (in order).
      followChallenges: db.prepare<{ guild: string; channel: string }>(
        `UPDATE challenges SET channel_id = @channel WHERE guild_id = @guild AND own_channel = 0 AND finished_at IS NULL`,
      ),
      followVotes: db.prepare<{ guild: string; old: string; channel: string }>(
        `UPDATE challenge_votes SET channel_id = @channel WHERE guild_id = @guild AND closed_at IS NULL AND channel_id = @old`,
      ),
      followNext: db.prepare<{ guild: string; old: string; channel: string }>(
        `UPDATE challenge_next SET channel_id = @channel WHERE guild_id = @guild AND channel_id = @old`,
      ),
      followPosts: db.prepare<{ guild: string; old: string; channel: string; now: number; kinds: string }>(
        `UPDATE outbox SET channel_id = @channel, next_attempt_at = min(next_attempt_at, @now), attempts = 0,
           last_error = NULL, claimed_at = NULL
         WHERE guild_id = @guild AND status = 'pending' AND channel_id = @old
           AND kind IN (SELECT value FROM json_each(@kinds))`,
      ),
      finish: db.prepare<[number, number, number, number]>(
        'UPDATE challenges SET finished_at = ?, year = ?, ends_at = min(ends_at, ?) WHERE id = ? AND finished_at IS NULL',
      ),
      result: db.prepare<[number, string, string, number, number, string | null, number]>(
        `INSERT INTO challenge_results (challenge_id, ulid, display_name, rank, points, award, reached_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      post: db.prepare<[string, string, ChallengePostKind, string, string, number, number]>(
        `INSERT INTO outbox (guild_id, channel_id, ulid, kind, payload, nonce, next_attempt_at, created_at)
         VALUES (?, ?, '', ?, ?, ?, ?, ?)`,
      ),
      facts: db.prepare<{ guild: string; game: number; from: number; to: number; soft: number }, FactsRow>(
        FACTS_SQL,
      ),
      history: db.prepare<
        [string, number],
        ChallengeRow & {
          winner_ulid: string | null;
          winner_name: string | null;
          winner_points: number | null;
          participants: number;
        }
      >(
        `SELECT c.*, r.ulid AS winner_ulid, r.display_name AS winner_name, r.points AS winner_points,
           (SELECT count(*) FROM challenge_results p WHERE p.challenge_id = c.id) AS participants
         FROM challenges c LEFT JOIN challenge_results r ON r.challenge_id = c.id AND r.rank = 1
         WHERE c.guild_id = ? AND c.year = ? AND c.finished_at IS NOT NULL ORDER BY c.ends_at DESC, c.id DESC`,
      ),
      yearly: db.prepare<[string, number], YearlyEntry>(
        `SELECT r.ulid, (SELECT r2.display_name FROM challenge_results r2 JOIN challenges c2 ON c2.id = r2.challenge_id
             WHERE r2.ulid = r.ulid AND c2.guild_id = c.guild_id ORDER BY c2.ends_at DESC LIMIT 1) AS displayName,
           sum(r.points) AS points, count(*) AS challenges, sum(r.rank = 1) AS wins
         FROM challenge_results r JOIN challenges c ON c.id = r.challenge_id
         WHERE c.guild_id = ? AND c.year = ? AND c.finished_at IS NOT NULL
         GROUP BY r.ulid ORDER BY points DESC, wins DESC, displayName COLLATE NOCASE, r.ulid`,
      ),
      forgetResults: db.prepare<[string]>(
        'DELETE FROM challenge_results WHERE challenge_id IN (SELECT id FROM challenges WHERE guild_id = ?)',
      ),
      forget: db.prepare<[string]>('DELETE FROM challenges WHERE guild_id = ?'),
      getNext: db.prepare<[string], { channel_id: string; game: string }>(
        'SELECT channel_id, game FROM challenge_next WHERE guild_id = ?',
      ),
      setNext: db.prepare<[string, string, string, number]>(
        `INSERT INTO challenge_next (guild_id, channel_id, game, queued_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, game = excluded.game,
           queued_at = excluded.queued_at`,
      ),
      dropNext: db.prepare<[string]>('DELETE FROM challenge_next WHERE guild_id = ?'),
    };
    this.startInTransaction = db.transaction((input: ChallengeStartInput, now: number): Challenge | null => {
      if (this.stmt.running.get(input.guildId)) return null;
      this.stmt.insert.run(
        input.guildId,
        input.channelId,
        toFlag(input.ownChannel ?? false),
        input.game.id,
        JSON.stringify(input.game),
        input.startsAt,
        input.endsAt,
        toFlag(input.softcore),
        input.startedBy,
      );
      this.insertPost(input.guildId, input.channelId, 'challenge-start', input.payload, now);
      return toChallenge(this.stmt.running.get(input.guildId)!);
    });
    this.finishInTransaction = db.transaction(
      (
        challenge: Challenge,
        standings: readonly ChallengeStanding[],
        year: number,
        payload: unknown,
        now: number,
        nextEndsAt: number | null,
      ): boolean => {
        // The guard and the results commit together: whoever gets here second changes nothing.
        if (this.stmt.finish.run(now, year, now, challenge.id).changes === 0) return false;
        for (const s of standings) {
          this.stmt.result.run(challenge.id, s.ulid, s.displayName, s.rank, s.points, s.award, s.reachedAt);
        }
        this.insertPost(challenge.guildId, challenge.channelId, 'challenge-results', payload, now);
        // A vote's winner was waiting for this one to end: it starts now, in the same step.
        const next = this.stmt.getNext.get(challenge.guildId);
        if (next && nextEndsAt !== null) {
          this.stmt.dropNext.run(challenge.guildId);
          const game = JSON.parse(next.game) as ChallengeGame;
          this.startInTransaction(
            {
              guildId: challenge.guildId,
              channelId: next.channel_id,
              game,
              startsAt: now,
              endsAt: nextEndsAt,
              softcore: false,
              startedBy: 'vote',
              payload: startPayload(game, now, nextEndsAt, false),
            },
            now,
          );
        }
        return true;
      },
    );
  }

  /** The server's running challenge (also one past its end whose results aren't queued yet). */
  running(guildId: string): Challenge | null {
    const row = this.stmt.running.get(guildId);
    return row ? toChallenge(row) : null;
  }

  allRunning(): Challenge[] {
    return this.stmt.allRunning.all().map(toChallenge);
  }

  /** Running challenges whose end is at or before `now`. */
  due(now: Instant): Challenge[] {
    return this.stmt.due.all(toMs(now)).map(toChallenge);
  }

  /** Starts one and queues its post; null (nothing written) when the server already runs one. */
  start(input: ChallengeStartInput, now: Instant): Challenge | null {
    return this.startInTransaction(input, toMs(now));
  }

  /**
   * Records the results and queues their post, once: false when they were already recorded.
   * An early end (`/challenge end`) moves the end to `now`.
   */
  finish(
    challenge: Challenge,
    standings: readonly ChallengeStanding[],
    year: number,
    payload: unknown,
    now: Instant,
    /** When a vote's winner waits to start after this one: its end. */
    nextEndsAt: number | null = null,
  ): boolean {
    return this.finishInTransaction(challenge, standings, year, payload, toMs(now), nextEndsAt);
  }

  /**
   * The server's announcement channel moved from `old` to `channel`: running challenges that follow
   * it, an open vote and a waiting winner posted there, and their waiting posts go along.
   */
  followDefaultChannel(guildId: string, old: string | null, channel: string, now: Instant): void {
    this.stmt.followChallenges.run({ guild: guildId, channel });
    if (old === null || old === channel) return;
    this.stmt.followVotes.run({ guild: guildId, old, channel });
    this.stmt.followNext.run({ guild: guildId, old, channel });
    this.stmt.followPosts.run({
      guild: guildId,
      old,
      channel,
      now: toMs(now),
      kinds: JSON.stringify(CHALLENGE_POST_KINDS),
    });
  }

  /** A vote's winner: starts when the running challenge ends (call inside the vote's transaction). */
  setNext(guildId: string, channelId: string, game: ChallengeGame, now: Instant): void {
    this.stmt.setNext.run(guildId, channelId, JSON.stringify(game), toMs(now));
  }

  /** Queues a post (call inside the caller's transaction). */
  queuePost(
    guildId: string,
    channelId: string,
    kind: ChallengePostKind,
    payload: unknown,
    now: Instant,
  ): void {
    this.insertPost(guildId, channelId, kind, payload, toMs(now));
  }

  /** What the store knows of each tracked user of the server in the challenge's game and window. */
  facts(
    challenge: Pick<Challenge, 'guildId' | 'game' | 'startsAt' | 'endsAt' | 'softcore'>,
  ): ChallengeFacts[] {
    return this.stmt.facts
      .all({
        guild: challenge.guildId,
        game: challenge.game.id,
        from: challenge.startsAt,
        to: challenge.endsAt,
        soft: toFlag(challenge.softcore),
      })
      .map((r) => ({
        ulid: r.ulid,
        displayName: r.displayName,
        firstUnlockAt: r.firstUnlockS === null ? null : r.firstUnlockS * 1000,
        beatenAt: r.beatenAt,
        masteredAt: r.masteredAt,
        earned: r.earned,
        earnedHardcore: r.earnedHardcore,
      }));
  }

  /** Finished challenges of the year, newest first. */
  history(guildId: string, year: number): ChallengeHistoryEntry[] {
    return this.stmt.history.all(guildId, year).map((r) => ({
      id: r.id,
      game: JSON.parse(r.game) as ChallengeGame,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      winner:
        r.winner_ulid === null
          ? null
          : { ulid: r.winner_ulid, displayName: r.winner_name ?? '', points: r.winner_points ?? 0 },
      participants: r.participants,
    }));
  }

  /** Points summed over the year's challenges, best first. */
  yearly(guildId: string, year: number): YearlyEntry[] {
    return this.stmt.yearly.all(guildId, year);
  }

  /** The bot left this server: its challenges and their results go. */
  forgetGuild(guildId: string): void {
    this.stmt.forgetResults.run(guildId);
    this.stmt.forget.run(guildId);
    this.stmt.dropNext.run(guildId);
  }

  private insertPost(
    guildId: string,
    channelId: string,
    kind: ChallengePostKind,
    payload: unknown,
    now: number,
  ) {
    this.stmt.post.run(guildId, channelId, kind, JSON.stringify(payload), this.nonce(), now, now);
  }
}

function toChallenge(row: ChallengeRow): Challenge {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    game: JSON.parse(row.game) as ChallengeGame,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    softcore: row.softcore === 1,
    finishedAt: row.finished_at,
    startedBy: row.started_by,
  };
}
