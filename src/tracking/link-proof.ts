/**
 * The follow proof behind `/link`: a member claims an RA account; the claim holds once that RA
 * account is seen to START following the bot's own RA account (RA_USERNAME) within 15 minutes.
 *
 * It reads the follower list the follower watcher already keeps (`FollowerView`), so a proof
 * costs no RA request of its own. A follow that existed before the claim proves nothing (anyone
 * could claim an account that happens to follow the bot), so the proof needs to see the account
 * not following at some point after the claim, then following.
 *
 * Pending proofs live in memory only: they last 15 minutes, like the interaction whose reply
 * they update; after a restart the member simply runs `/link` again.
 */
import type { Logger } from '../log.js';
import type { ProofPhase } from '../render/links.js';
import type { Store } from '../store/index.js';

/** The follower watcher as the proof sees it: null while the list hasn't been read (or can't be). */
export interface FollowerView {
  /** As of the watcher's last full pass over the list. */
  isFollower(ulid: string): boolean | null;
  /**
   * When a read of the list (any page) last listed this account, epoch ms; null if not listed.
   * Page 1, where anyone active on the site is, is read every few seconds, so a fresh follow
   * shows here long before a full pass over a list of many pages completes.
   */
  lastListedAt?(ulid: string): number | null;
}

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
  /** Since when a listing counts as the fresh follow (the claim, or the unfollow seen). */
  followSince: number;
  /** The follower list has been readable at least once since the claim. */
  listRead: boolean;
}

export type ProofStep =
  | { kind: 'wait' }
  | { kind: 'phase'; phase: ProofPhase }
  | { kind: 'confirm' }
  | { kind: 'expire'; listRead: boolean };

/**
 * Pure: what one look at the follower list means for a pending proof. `listedAt`: when a read
 * last listed the account (see FollowerView.lastListedAt).
 */
export function stepProof(
  p: PendingProof,
  following: boolean | null,
  nowMs: number,
  listedAt: number | null = null,
): ProofStep {
  if (p.phase === 'await-follow' && listedAt !== null && listedAt > p.followSince) return { kind: 'confirm' };
  if (following !== null) {
    if (following && p.phase === 'await-follow') return { kind: 'confirm' };
    if (following && p.phase === 'checking') return { kind: 'phase', phase: 'await-unfollow' };
    if (!following && p.phase !== 'await-follow') return { kind: 'phase', phase: 'await-follow' };
  }
  if (nowMs - p.startedAt >= PROOF_TIMEOUT_MS) {
    return { kind: 'expire', listRead: p.listRead || following !== null };
  }
  return { kind: 'wait' };
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

  async function checkAll(): Promise<void> {
    const nowMs = deps.now().getTime();
    for (const [memberId, entry] of [...pending]) {
      const following = deps.followers.isFollower(entry.proof.ulid);
      if (following !== null) entry.proof.listRead = true;
      const listedAt = deps.followers.lastListedAt?.(entry.proof.ulid) ?? null;
      const step = stepProof(entry.proof, following, nowMs, listedAt);
      if (step.kind === 'wait') continue;
      if (step.kind === 'phase') {
        const from = entry.proof.phase;
        entry.proof.phase = step.phase;
        if (step.phase === 'await-follow') entry.proof.followSince = nowMs;
        await tell(entry, { kind: 'phase', proof: entry.proof, from });
        continue;
      }
      pending.delete(memberId);
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
      const following = deps.followers.isFollower(input.ulid);
      const startedAt = deps.now().getTime();
      const proof: PendingProof = {
        discordUserId: input.discordUserId,
        guildId: input.guildId,
        ulid: input.ulid,
        displayName: input.displayName,
        startedAt,
        followSince: startedAt,
        phase: following === null ? 'checking' : following ? 'await-unfollow' : 'await-follow',
        listRead: following !== null,
      };
      pending.set(input.discordUserId, { proof, notify: input.notify });
      ensureTimer();
      return { result: 'started', proof };
    },
    pendingOf: (id) => pending.get(id)?.proof ?? null,
    cancel: (id) => pending.delete(id),
    checkNow,
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      pending.clear();
    },
  };
}
