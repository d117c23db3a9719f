/**
 * The follow proof behind `/link`: a member claims an RA account; the claim holds once that RA
 * account is seen to START following the bot's own RA account (RA_USERNAME) within 15 minutes.
 *
 * A follow that existed before the claim proves nothing (anyone could claim an account that
 * happens to follow the bot), so the proof needs to see the account not following at some point
 * after the claim, then following. The follower watcher (`FollowerView`) searches its list for the
 * claimed account while the proof is pending: from where the account was last listed down to the
 * end, then page 1 (a few reads, a few seconds apart), so the proof's correctness and its time do
 * not depend on how many pages the list has; only the search's cost at the worst does.
 *
 * Pending proofs live in memory only: they last 15 minutes, like the interaction whose reply
 * they update; after a restart the member simply runs `/link` again.
 */
import type { Logger } from '../log.js';
import type { ProofPhase } from '../render/links.js';
import type { Store } from '../store/index.js';
import type { FollowerObservation, SearchNeed } from './followers.js';

/**
 * The follower watcher as the proof sees it. The proof never trusts the watcher's full passes (up
 * to one pass old: ~10 minutes at 10 pages): it asks the watcher to search the list for the claimed
 * account while the proof is pending, and decides from reads made after the claim only.
 */
export interface FollowerView {
  /** As of the watcher's last full pass over the list: only for the first words to the member. */
  isFollower(ulid: string): boolean | null;
  observe(ulid: string): FollowerObservation;
  search(ulid: string, need: SearchNeed): void;
  stopSearch(ulid: string): void;
}

/** Without a follower list (no RA_USERNAME): nothing is ever known, proofs expire. */
export const noFollowerList: FollowerView = {
  isFollower: () => null,
  observe: () => ({ listedAt: null, absentAt: null }),
  search: () => undefined,
  stopSearch: () => undefined,
};

/**
 * "15 minutes", ending a little early: the reply it updates is an interaction's, whose token
 * Discord honours for 15 minutes from the command, so the "not seen" notice must land before that.
 */
export const PROOF_TIMEOUT_MS = 14.5 * 60_000;
/** How often pending proofs look at the watcher's list (an in-memory read). */
export const PROOF_CHECK_MS = 15_000;

export interface PendingProof {
  discordUserId: string;
  guildId: string | null;
  ulid: string;
  displayName: string;
  startedAt: number;
  phase: ProofPhase;
  /** When a search after the claim found the account absent from the list (null: not yet). */
  absentSince: number | null;
  /** The follower list has been readable at least once since the claim. */
  listRead: boolean;
}

export type ProofStep =
  | { kind: 'wait' }
  | { kind: 'absent'; at: number }
  | { kind: 'phase'; phase: ProofPhase; absentSince: number | null }
  | { kind: 'confirm' }
  | { kind: 'expire'; listRead: boolean };

/**
 * Pure: what the reads made since the claim mean for a pending proof. Only reads after the claim
 * count: the account must be seen absent from the list (a whole search found it nowhere), then
 * listed by a later read. A follow older than the claim, however recent, proves nothing.
 */
export function stepProof(p: PendingProof, seen: FollowerObservation, nowMs: number): ProofStep {
  const listed = seen.listedAt !== null && seen.listedAt >= p.startedAt ? seen.listedAt : null;
  const absent = seen.absentAt !== null && seen.absentAt >= p.startedAt ? seen.absentAt : null;
  const followingNow = listed !== null && (absent === null || listed > absent);
  if (followingNow && p.absentSince !== null && listed > p.absentSince) return { kind: 'confirm' };
  if (nowMs - p.startedAt >= PROOF_TIMEOUT_MS) {
    return { kind: 'expire', listRead: p.listRead || listed !== null || absent !== null };
  }
  if (followingNow) {
    if (p.phase !== 'await-unfollow') return { kind: 'phase', phase: 'await-unfollow', absentSince: null };
  } else if (absent !== null) {
    if (p.phase !== 'await-follow') return { kind: 'phase', phase: 'await-follow', absentSince: absent };
    if (p.absentSince === null) return { kind: 'absent', at: absent };
  }
  return { kind: 'wait' };
}

/** What a proof needs the watcher to find out next. */
export function searchNeed(p: PendingProof): SearchNeed {
  return p.absentSince === null ? 'absence' : 'presence';
}

/** What happened to a proof, for the member's message. */
export type ProofEvent =
  | { kind: 'phase'; proof: PendingProof; from: ProofPhase }
  | { kind: 'linked'; proof: PendingProof }
  | { kind: 'taken'; proof: PendingProof }
  | { kind: 'expired'; proof: PendingProof; listRead: boolean };

export interface StartProofInput {
  discordUserId: string;
  guildId: string | null;
  ulid: string;
  displayName: string;
  /** Told about every change; failures (an expired interaction) are logged and ignored. */
  notify: (event: ProofEvent) => Promise<void>;
}

export interface LinkProofs {
  /** 'busy' when another member is proving the same RA account right now. */
  start(input: StartProofInput): { result: 'started'; proof: PendingProof } | { result: 'busy' };
  pendingOf(discordUserId: string): PendingProof | null;
  cancel(discordUserId: string): boolean;
  /** One look at the list for every pending proof (the timer calls it; tests call it directly). */
  checkNow(): Promise<void>;
  stop(): void;
}

export function createLinkProofs(deps: {
  store: Store;
  followers: FollowerView;
  now: () => Date;
  logger: Logger;
  checkEveryMs?: number;
}): LinkProofs {
  const pending = new Map<string, { proof: PendingProof; notify: StartProofInput['notify'] }>();
  let timer: NodeJS.Timeout | null = null;

  const ensureTimer = () => {
    if (timer || pending.size === 0) return;
    timer = setInterval(() => void checkNow(), deps.checkEveryMs ?? PROOF_CHECK_MS);
    timer.unref();
  };

  async function tell(entry: { notify: StartProofInput['notify'] }, event: ProofEvent): Promise<void> {
    try {
      await entry.notify(event);
    } catch (error) {
      deps.logger.info({ err: String(error) }, 'could not update a /link reply (interaction expired?)');
    }
  }

  let running: Promise<void> | null = null;
  /** Single-flight: the timer and a direct call never walk the same proofs twice at once. */
  function checkNow(): Promise<void> {
    running ??= checkAll().finally(() => {
      running = null;
    });
    return running;
  }

  function end(memberId: string): void {
    const entry = pending.get(memberId);
    if (!entry) return;
    pending.delete(memberId);
    deps.followers.stopSearch(entry.proof.ulid);
  }

  async function checkAll(): Promise<void> {
    const nowMs = deps.now().getTime();
    for (const [memberId, entry] of [...pending]) {
      if (deps.followers.isFollower(entry.proof.ulid) !== null) entry.proof.listRead = true;
      const step = stepProof(entry.proof, deps.followers.observe(entry.proof.ulid), nowMs);
      if (step.kind === 'wait') continue;
      if (step.kind === 'absent' || step.kind === 'phase') {
        const from = entry.proof.phase;
        entry.proof.listRead = true;
        entry.proof.absentSince = step.kind === 'absent' ? step.at : step.absentSince;
        deps.followers.search(entry.proof.ulid, searchNeed(entry.proof));
        if (step.kind === 'phase') {
          entry.proof.phase = step.phase;
          await tell(entry, { kind: 'phase', proof: entry.proof, from });
        }
        continue;
      }
      end(memberId);
      if (step.kind === 'expire') {
        await tell(entry, { kind: 'expired', proof: entry.proof, listRead: step.listRead });
        continue;
      }
      const { proof } = entry;
      const outcome = deps.store.linkAccount({
        discordUserId: proof.discordUserId,
        ulid: proof.ulid,
        displayName: proof.displayName,
        linkedBy: proof.discordUserId,
        now: nowMs,
        guildId: proof.guildId,
      });
      deps.logger.info({ member: proof.discordUserId, ulid: proof.ulid, outcome }, 'link proof finished');
      await tell(entry, { kind: outcome === 'linked' ? 'linked' : 'taken', proof });
    }
    if (pending.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  return {
    start(input) {
      for (const [memberId, entry] of pending) {
        if (memberId !== input.discordUserId && entry.proof.ulid === input.ulid) return { result: 'busy' };
      }
      // The first words to the member come from what the watcher knows (a pass, or any read that
      // listed the account); the proof itself only trusts reads made after this moment.
      const following = deps.followers.isFollower(input.ulid);
      const seen = deps.followers.observe(input.ulid);
      const listed = seen.listedAt !== null && (seen.absentAt === null || seen.listedAt > seen.absentAt);
      const startedAt = deps.now().getTime();
      const proof: PendingProof = {
        discordUserId: input.discordUserId,
        guildId: input.guildId,
        ulid: input.ulid,
        displayName: input.displayName,
        startedAt,
        absentSince: null,
        phase:
          following === true || listed ? 'await-unfollow' : following === false ? 'await-follow' : 'checking',
        listRead: following !== null,
      };
      end(input.discordUserId);
      pending.set(input.discordUserId, { proof, notify: input.notify });
      deps.followers.search(input.ulid, searchNeed(proof));
      ensureTimer();
      return { result: 'started', proof };
    },
    pendingOf: (id) => pending.get(id)?.proof ?? null,
    cancel(id) {
      const had = pending.has(id);
      end(id);
      return had;
    },
    checkNow,
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      for (const memberId of [...pending.keys()]) end(memberId);
    },
  };
}
