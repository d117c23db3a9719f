/**
 * Server challenges as a feature with a lifecycle: `start()` finishes what ended while the bot
 * was down and ticks once a minute (tests pass `tickMs: null` and call `tick()`); results are
 * recorded and their post queued in one transaction, so they go out exactly once across
 * restarts. `decorate` adds the one-line challenge note to announcements of the game (the
 * poller calls it synchronously right before it writes, so it sees exactly what is stored).
 */

import type { AnnouncementExtras } from '../community/extras.js';
import type { OutboxInput } from '../domain/announcements.js';
import type {
  Challenge,
  ChallengeFacts,
  ChallengeResultsPayload,
  ChallengeStanding,
  ChallengeVote,
  ChallengeVoteResultPayload,
} from '../domain/challenges.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { errorMessage } from '../util/error-message.js';
import { endOfMonth, yearIn } from './moment.js';
import { type ChallengeEvent, challengeNote, rankStandings } from './scoring.js';

/** How often ended challenges are looked for. */
export const CHALLENGE_TICK_MS = 60_000;
/**
 * Results are computed this long after the end (only what was earned before the end counts): an
 * unlock made in the last minute reaches the bot with the player's next poll.
 */
export const FINISH_GRACE_MS = 5 * 60_000;

export interface ChallengesOptions {
  store: Store;
  logger: Logger;
  now: () => Date;
  /** Null: no timer (tests call `tick()`). */
  tickMs?: number | null;
  /** Called after a tick queued posts (app.ts drains the outbox). */
  onQueued?: () => void;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** The server's time zone for competitions: the digest's (`/digest on`), else UTC. */
export function serverTimeZone(store: Store, guildId: string): string {
  return store.community.get(guildId).digest?.timeZone ?? 'UTC';
}

/**
 * Where a competition post goes: the channel given when it started (the most specific choice),
 * else the kind's route (`/settings route challenge|arcade`), else the server's announcement
 * channel.
 */
export function competitionChannel(
  store: Store,
  guildId: string,
  kind: 'challenge' | 'arcade',
  explicit: string | null,
): string | null {
  return explicit ?? store.channelFor(guildId, kind);
}

const WEEK_MS = 7 * 86_400_000;

/**
 * The end of a challenge a vote starts: the end of this month in the server's zone, or of the
 * next one when less than a week of this one is left.
 */
export function votedChallengeEnd(at: number, timeZone: string): number {
  const end = endOfMonth(at, timeZone);
  return end - at >= WEEK_MS ? end : endOfMonth(end, timeZone);
}

/**
 * A vote's result: most votes first; a tie goes to the option listed first in the vote (the most
 * nominated, then the earliest nominated). Nobody voted: no winner.
 */
export function voteResult(vote: ChallengeVote, tally: ReadonlyMap<number, number>, startsNow: boolean) {
  const counted = vote.options.map((o) => ({ game: o.game, votes: tally.get(o.game.id) ?? 0 }));
  const ranked = [...counted].sort((a, b) => b.votes - a.votes);
  const top = ranked[0]?.votes ?? 0;
  const winner = top > 0 ? ranked[0]!.game : null;
  const payload: ChallengeVoteResultPayload = {
    version: 1,
    kind: 'challenge-vote-result',
    tally: ranked,
    winner,
    tie: top > 0 && ranked.filter((r) => r.votes === top).length > 1,
    startsNow: winner !== null && startsNow,
  };
  return payload;
}

export function standingsOf(store: Store, challenge: Challenge, at: number): ChallengeStanding[] {
  return rankStandings(store.challenges.facts({ ...challenge, endsAt: Math.min(challenge.endsAt, at) }));
}

/**
 * The progress read at start: users of the server whose progress in the game the bot doesn't
 * store get it read once, by the poller on their next poll (one request each, in the
 * background lane); after that the poller keeps it current as they play. Returns how many.
 */
export function readProgressAtStart(store: Store, challenge: Challenge, now: number): number {
  let asked = 0;
  for (const user of store.listTrackedUsers(challenge.guildId)) {
    if (store.getGameState(user.ulid, challenge.game.id) !== null) continue;
    store.requestGameRecheck(user.ulid, challenge.game.id, now, 1);
    asked++;
  }
  return asked;
}

function eventsOf(payload: OutboxInput['payload']): ChallengeEvent[] {
  if (payload.kind === 'award')
    return [{ kind: 'award', at: Date.parse(payload.award.at), award: payload.award.kind }];
  // A milestone post is no event of its own: its unlock has its own post.
  if (payload.kind === 'milestone') return [];
  const list = payload.kind === 'unlock' ? [payload.achievement] : payload.achievements;
  return list.map((a) => ({ kind: 'unlock', at: Date.parse(a.at), hardcore: a.hardcore }));
}

export function createChallenges(options: ChallengesOptions) {
  const { store, logger, now } = options;
  let timer: unknown = null;
  let stopped = false;

  /** Records the results of one challenge and queues their post; false when already done. */
  function finish(challenge: Challenge, at: number): boolean {
    const end = Math.min(challenge.endsAt, at);
    const standings = standingsOf(store, challenge, end);
    const payload: ChallengeResultsPayload = {
      version: 1,
      kind: 'challenge-results',
      game: challenge.game,
      startsAt: challenge.startsAt,
      endsAt: end,
      softcore: challenge.softcore,
      standings: standings.map(({ ulid, displayName, rank, points, award, reachedAt }) => ({
        ulid,
        displayName,
        rank,
        points,
        award,
        reachedAt,
      })),
    };
    const zone = serverTimeZone(store, challenge.guildId);
    const done = store.challenges.finish(
      challenge,
      standings,
      yearIn(end, zone),
      payload,
      at,
      votedChallengeEnd(at, zone),
    );
    if (done) {
      logger.info(
        { guildId: challenge.guildId, challenge: challenge.id, players: standings.length },
        'challenge finished; results queued',
      );
    }
    return done;
  }

  /** Closes a vote: its result, and the winner started now or queued after the running challenge; once. */
  function closeVote(vote: ChallengeVote, at: number): boolean {
    const running = store.challenges.running(vote.guildId);
    const result = voteResult(vote, store.challengeVotes.tally(vote.id), running === null);
    const winner = result.winner;
    const done = store.challengeVotes.close(
      vote,
      result,
      winner === null
        ? { kind: 'none' }
        : running
          ? { kind: 'next', channelId: vote.channelId, game: winner }
          : {
              kind: 'start',
              input: {
                guildId: vote.guildId,
                channelId: vote.channelId,
                game: winner,
                startsAt: at,
                endsAt: votedChallengeEnd(at, serverTimeZone(store, vote.guildId)),
                softcore: false,
                startedBy: 'vote',
              },
            },
      at,
    );
    if (done)
      logger.info(
        { guildId: vote.guildId, vote: vote.id, winner: winner?.id ?? null },
        'challenge vote closed',
      );
    return done;
  }

  /** Finishes every challenge past its end (also those that ended while the bot was down). */
  function tick(): number {
    let finished = 0;
    for (const vote of store.challengeVotes.due(now())) {
      try {
        if (closeVote(vote, now().getTime())) finished++;
      } catch (error) {
        logger.error(
          { vote: vote.id, err: errorMessage(error) },
          'closing a challenge vote failed; tried again next tick',
        );
      }
    }
    for (const challenge of store.challenges.due(now().getTime() - FINISH_GRACE_MS)) {
      try {
        if (finish(challenge, now().getTime())) finished++;
      } catch (error) {
        logger.error(
          { challenge: challenge.id, err: errorMessage(error) },
          'finishing a challenge failed; tried again next tick',
        );
      }
    }
    if (finished > 0) options.onQueued?.();
    return finished;
  }

  /**
   * Adds `payload.challenge` to rows of a running challenge's game in their server. Each row
   * gets its own payload copy (a payload may be shared by several servers' rows).
   */
  function decorate(rows: OutboxInput[]): void {
    if (rows.length === 0) return;
    const running = new Map<string, Challenge | null>();
    const facts = new Map<string, ChallengeFacts[]>();
    /** Per (guild, user): the facts after the rows seen so far. */
    const progressed = new Map<string, ChallengeFacts>();
    for (const row of rows) {
      if (!running.has(row.guildId)) running.set(row.guildId, store.challenges.running(row.guildId));
      const challenge = running.get(row.guildId);
      if (!challenge || challenge.game.id !== row.payload.game.id) continue;
      let everyone = facts.get(row.guildId);
      if (!everyone) {
        everyone = store.challenges.facts(challenge);
        facts.set(row.guildId, everyone);
      }
      const ulid = row.payload.user.ulid;
      const key = `${row.guildId}:${ulid}`;
      const before = progressed.get(key) ??
        everyone.find((f) => f.ulid === ulid) ?? {
          ulid,
          displayName: row.payload.user.displayName,
          firstUnlockAt: null,
          beatenAt: null,
          masteredAt: null,
          earned: 0,
          earnedHardcore: 0,
        };
      const others = everyone.map((f) => progressed.get(`${row.guildId}:${f.ulid}`) ?? f);
      const { note, after } = challengeNote(others, before, eventsOf(row.payload), challenge);
      progressed.set(key, after);
      if (note) row.payload = { ...row.payload, challenge: note };
    }
  }

  return {
    tick,
    /** The poller's extras with the challenge note added after theirs. */
    withNotes(extras: AnnouncementExtras): AnnouncementExtras {
      return {
        prepare: (rows) => extras.prepare(rows),
        decorate(rows) {
          extras.decorate(rows);
          decorate(rows as OutboxInput[]);
        },
      };
    },
    /** Ends the server's running challenge now; null when none runs. */
    endNow(guildId: string): Challenge | null {
      const challenge = store.challenges.running(guildId);
      if (!challenge) return null;
      finish(challenge, now().getTime());
      options.onQueued?.();
      return challenge;
    },
    /** Closes the server's open vote now; null when none is open. */
    closeVoteNow(guildId: string): ChallengeVote | null {
      const vote = store.challengeVotes.openVote(guildId);
      if (!vote) return null;
      closeVote(vote, now().getTime());
      options.onQueued?.();
      return vote;
    },
    /** A command queued a post: drain the outbox now rather than at the next timer. */
    queued(): void {
      options.onQueued?.();
    },
    start(): void {
      if (stopped) return;
      tick();
      const every = options.tickMs === undefined ? CHALLENGE_TICK_MS : options.tickMs;
      if (every !== null) timer = (options.setInterval ?? defaultSetInterval)(() => tick(), every);
    },
    stop(): void {
      stopped = true;
      if (timer !== null) (options.clearInterval ?? defaultClearInterval)(timer);
      timer = null;
    },
  };
}

function defaultSetInterval(callback: () => void, ms: number): unknown {
  const handle = setInterval(callback, ms);
  handle.unref();
  return handle;
}

function defaultClearInterval(handle: unknown): void {
  clearInterval(handle as NodeJS.Timeout);
}

export type Challenges = ReturnType<typeof createChallenges>;
