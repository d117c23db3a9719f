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
 *   longest-unpolled first, i.e. round robin with whatever budget is left.
 * Between the kinds, stride scheduling shares the poll starts by weight when several kinds have
 * users waiting: changed 16, hot 4, cold 1. So a burst of hot users can't starve the round (it
 * still gets at least 1 start in 5 against hot alone), and a points change jumps both queues.
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
  const free = Math.max(0, budget.maxInFlight - inFlight);
  // Only the first `free` of each kind can be picked: keep those (a bounded insertion list, so
  // a plan over thousands of users costs a scan, not a sort), and count the rest.
  const queues: Record<PollReason, Due[]> = { changed: [], hot: [], cold: [] };
  const counts: Record<PollReason, number> = { changed: 0, hot: 0, cold: 0 };
  const offer = (reason: PollReason, due: Due) => {
    counts[reason]++;
    const queue = queues[reason];
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
    const round = params.roundStartedAt;
    if (round !== null && round <= now && (user.lastPollAt === null || user.lastPollAt < round)) {
      offer('cold', { ulid: user.ulid, key: user.lastPollAt ?? Number.NEGATIVE_INFINITY });
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
  let slots = free;
  while (slots > 0) {
    let chosen: PollReason | null = null;
    for (const reason of POLL_REASONS) {
      if (next[reason] >= queues[reason].length) continue;
      if (chosen === null || passes[reason] < passes[chosen]) chosen = reason;
    }
    if (chosen === null) break;
    poll.push({ ulid: queues[chosen][next[chosen]]!.ulid, reason: chosen });
    next[chosen]++;
    passes[chosen] += 1 / REASON_WEIGHTS[chosen];
    slots--;
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
