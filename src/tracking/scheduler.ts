/**
 * Who is polled when: a pure function of (users' states, budget, now) -> (whom to poll now, when
 * to wake). The runner (schedule-runner.ts) keeps the states, calls it after every change and
 * starts the polls it names; tests and the latency benchmark drive it in virtual time.
 *
 * Three kinds of due users, each served in its own order:
 * - changed: a follower whose RA points moved (follower watcher): due at once, oldest change first;
 * - hot: a user seen unlocking recently: due every `hotIntervalMs` while the session lasts, unless
 *   the user is watched (on a follow list): the list reports their points moving (a change), so
 *   polling them hot only repeated it and took the round's budget;
 * - cold: everyone else, once per POLL_CRON round (every user not polled since the round began),
 *   longest-unpolled first, i.e. round robin with whatever budget is left. A watched user is in
 *   the round only when their last poll is WATCHED_SAFETY_MS old (longest overdue first, with
 *   the others): a quiet watched user costs the round nothing (see `dueInRound`). One the list
 *   showed active since their last poll (a 0-point unlock moves no points but does move them up
 *   the list) is polled once as hot, at most every `hotIntervalMs`.
 * Between the kinds, stride scheduling shares the poll starts by weight when several kinds have
 * users waiting: changed 16, hot 4, cold 1. So a burst of hot users can't starve the round (it
 * still gets at least 1 start in 5 against hot alone), and a points change jumps both queues.
 * A changed user also has one slot beyond `maxInFlight` of their own (CHANGED_EXTRA_SLOTS), so
 * their poll never waits for a round's poll to finish; its requests go first in the poller's lane.
 */

export type PollReason = 'changed' | 'hot' | 'cold';
export const POLL_REASONS: readonly PollReason[] = ['changed', 'hot', 'cold'];

export interface UserScheduleState {
  ulid: string;
  /** Epoch ms when the last poll of the user started; null before the first. */
  lastPollAt: number | null;
  /** When the follower watcher saw the user's points move, if no poll has started since. */
  changedAt: number | null;
  /** Polled every hotIntervalMs until then (epoch ms; 0 = not hot). */
  hotUntil: number;
  /** A poll of the user is running. */
  polling: boolean;
  /**
   * On a follow list the bot reads (the user follows the bot's RA account, or it follows them):
   * their points changes arrive as `changedAt`, so they are never polled as hot.
   */
  watched?: boolean;
  /** When their follow list last showed them active (risen on page 1); null/absent: not since the start. */
  activeAt?: number | null;
  /** When tracking began (epoch ms): a watched user never polled is quiet since then. */
  trackedSince?: number;
}

/**
 * A watched user quiet since their last poll is polled in a round anyway once that poll is this
 * old: what the lists can't show (a 0-point unlock while the bot was down and the user was pushed
 * off page 1 meanwhile) waits at most this long.
 */
export const WATCHED_SAFETY_MS = 24 * 60 * 60_000;

/** Keys of watched users seen active go before every repeating hot poll (keys are epoch ms). */
const ACTIVE_FIRST = -1e15;

/** Since when the lists had to report a watched user: their last poll, else when tracking began. */
function quietSince(user: UserScheduleState): number | null {
  return user.lastPollAt ?? user.trackedSince ?? null;
}

/** A follow list showed the user active after their last poll (or, never polled, after tracking began). */
function seenActiveSincePoll(user: UserScheduleState): boolean {
  const since = quietSince(user);
  const activeAt = user.activeAt ?? null;
  return activeAt !== null && (since === null || activeAt >= since);
}

/**
 * Whether the round that began at `round` still has to poll this user (pure). A watched user
 * only when their list showed them active since their last poll (they are then polled like a
 * user playing, see planPolls) or that poll is WATCHED_SAFETY_MS old.
 */
export function dueInRound(user: UserScheduleState, round: number | null, now: number): boolean {
  if (round === null || round > now) return false;
  if (user.lastPollAt !== null && user.lastPollAt >= round) return false;
  if (!user.watched) return true;
  const since = quietSince(user);
  if (since === null || now - since >= WATCHED_SAFETY_MS) return true;
  return seenActiveSincePoll(user);
}

export interface ScheduleBudget {
  /** Polls that may run at once: enough to keep the RA rate busy, few enough to keep its queue short. */
  maxInFlight: number;
}

export interface ScheduleParams {
  hotIntervalMs: number;
  /** Start of the current POLL_CRON round: every user not polled since is due. Null before the first tick. */
  roundStartedAt: number | null;
}

/** Stride-scheduling passes, carried from one plan to the next. */
export type ReasonPasses = Record<PollReason, number>;
export const INITIAL_PASSES: ReasonPasses = { changed: 0, hot: 0, cold: 0 };
export const REASON_WEIGHTS: Record<PollReason, number> = { changed: 16, hot: 4, cold: 1 };
/** Polls of changed users may run this many beyond `maxInFlight`. */
export const CHANGED_EXTRA_SLOTS = 1;

export interface PlannedPoll {
  ulid: string;
  reason: PollReason;
}

export interface SchedulePlan {
  poll: PlannedPoll[];
  /** Plan again at this time (epoch ms) if nothing else happens first; null: only a tick, a change or a finished poll can make anyone due. */
  wakeAt: number | null;
  passes: ReasonPasses;
  /** Users due now but left waiting for a free slot, by reason. */
  waiting: Record<PollReason, number>;
}

interface Due {
  ulid: string;
  key: number;
}

export function planPolls(
  users: readonly UserScheduleState[],
  budget: ScheduleBudget,
  params: ScheduleParams,
  now: number,
  previousPasses: ReasonPasses = INITIAL_PASSES,
): SchedulePlan {
  let inFlight = 0;
  for (const user of users) if (user.polling) inFlight++;
  const capOf = (reason: PollReason) => budget.maxInFlight + (reason === 'changed' ? CHANGED_EXTRA_SLOTS : 0);
  // Only the first `free` of each kind can be picked: keep those (a bounded insertion list, so
  // a plan over thousands of users costs a scan, not a sort), and count the rest.
  const queues: Record<PollReason, Due[]> = { changed: [], hot: [], cold: [] };
  const counts: Record<PollReason, number> = { changed: 0, hot: 0, cold: 0 };
  const offer = (reason: PollReason, due: Due) => {
    counts[reason]++;
    const queue = queues[reason];
    const free = Math.max(0, capOf(reason) - inFlight);
    if (queue.length >= free && (queue.length === 0 || due.key >= queue[queue.length - 1]!.key)) return;
    let i = queue.length;
    while (i > 0 && queue[i - 1]!.key > due.key) i--;
    queue.splice(i, 0, due);
    if (queue.length > free) queue.pop();
  };
  let wakeAt: number | null = null;
  for (const user of users) {
    if (user.polling) continue;
    if (user.changedAt !== null) {
      offer('changed', { ulid: user.ulid, key: user.changedAt });
      continue;
    }
    if (user.hotUntil > now && !user.watched) {
      const hotDue = user.lastPollAt === null ? now : user.lastPollAt + params.hotIntervalMs;
      if (hotDue <= now) {
        offer('hot', { ulid: user.ulid, key: hotDue });
        continue;
      }
      if (hotDue < user.hotUntil) wakeAt = wakeAt === null ? hotDue : Math.min(wakeAt, hotDue);
    }
    if (user.watched === true && seenActiveSincePoll(user)) {
      // Active with no points change (a 0-point unlock, or just playing): polled like a user
      // playing, once, and not more often than one of those.
      const hotDue = Math.max(
        user.activeAt!,
        (user.lastPollAt ?? Number.NEGATIVE_INFINITY) + params.hotIntervalMs,
      );
      // Ahead of the users playing, whose polls repeat: this one is owed a single poll.
      if (hotDue <= now) offer('hot', { ulid: user.ulid, key: ACTIVE_FIRST + hotDue });
      else wakeAt = wakeAt === null ? hotDue : Math.min(wakeAt, hotDue);
      continue;
    }
    if (dueInRound(user, params.roundStartedAt, now)) {
      // Longest overdue first: a watched user is due WATCHED_SAFETY_MS after their last poll.
      const key = user.watched
        ? (quietSince(user) ?? Number.NEGATIVE_INFINITY) + WATCHED_SAFETY_MS
        : (user.lastPollAt ?? Number.NEGATIVE_INFINITY);
      offer('cold', { ulid: user.ulid, key });
    }
  }

  const passes = { ...previousPasses };
  // A kind with nobody waiting banks no credit: it rejoins at the pass of the kinds still busy.
  const busy = POLL_REASONS.filter((r) => counts[r] > 0);
  if (busy.length > 0) {
    const floor = Math.min(...busy.map((r) => passes[r]));
    for (const reason of POLL_REASONS)
      if (queues[reason].length === 0) passes[reason] = Math.max(passes[reason], floor);
    for (const reason of busy) passes[reason] = Math.max(passes[reason], floor);
  }

  const poll: PlannedPoll[] = [];
  const next: Record<PollReason, number> = { changed: 0, hot: 0, cold: 0 };
  let running = inFlight;
  for (;;) {
    let chosen: PollReason | null = null;
    for (const reason of POLL_REASONS) {
      if (next[reason] >= queues[reason].length || running >= capOf(reason)) continue;
      if (chosen === null || passes[reason] < passes[chosen]) chosen = reason;
    }
    if (chosen === null) break;
    poll.push({ ulid: queues[chosen][next[chosen]]!.ulid, reason: chosen });
    next[chosen]++;
    passes[chosen] += 1 / REASON_WEIGHTS[chosen];
    running++;
  }
  const waiting = {
    changed: counts.changed - next.changed,
    hot: counts.hot - next.hot,
    cold: counts.cold - next.cold,
  };
  return { poll, wakeAt, passes, waiting };
}

/** After a poll: hot for `sessionMs` from now if it found activity (or points moved), else as it was. */
export function afterPoll(
  state: UserScheduleState,
  result: { startedAt: number; finishedAt: number; active: boolean },
  sessionMs: number,
): UserScheduleState {
  return {
    ...state,
    polling: false,
    lastPollAt: result.startedAt,
    hotUntil: result.active ? Math.max(state.hotUntil, result.finishedAt + sessionMs) : state.hotUntil,
  };
}
