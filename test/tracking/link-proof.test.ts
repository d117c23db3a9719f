/** The follow proof's decision, as a pure function of the proof, the reads since the claim and the time. */
import { describe, expect, it } from 'vitest';
import { type PendingProof, PROOF_TIMEOUT_MS, searchNeed, stepProof } from '../../src/tracking/link-proof.js';

const T0 = 1_700_000_000_000;
const proof = (phase: PendingProof['phase'], extra: Partial<PendingProof> = {}): PendingProof => ({
  discordUserId: '1',
  guildId: null,
  ulid: '01HZZZZZZZ0000000000000001',
  displayName: 'Scott',
  startedAt: T0,
  absentSince: null,
  phase,
  listRead: true,
  ...extra,
});
const seen = (listedAt: number | null, absentAt: number | null = null) => ({ listedAt, absentAt });

describe('stepProof', () => {
  it('confirms a listing that follows an absence seen after the claim', () => {
    const waiting = proof('await-follow', { absentSince: T0 + 100 });
    expect(stepProof(waiting, seen(T0 + 500, T0 + 100), T0 + 1000)).toEqual({ kind: 'confirm' });
    // Listed only before the absence: not following now, keep waiting.
    expect(stepProof(waiting, seen(T0 + 50, T0 + 100), T0 + 1000)).toEqual({ kind: 'wait' });
  });

  it('never takes a follow from before the claim, nor one without an absence seen since, as proof', () => {
    // Listed before the claim (a full pass, or page 1 minutes ago): nothing after the claim yet.
    expect(stepProof(proof('await-follow'), seen(T0 - 60_000), T0 + 1000)).toEqual({ kind: 'wait' });
    // Listed after the claim but never seen absent since: the follow may be older than the claim.
    expect(stepProof(proof('await-follow'), seen(T0 + 500), T0 + 1000)).toEqual({
      kind: 'phase',
      phase: 'await-unfollow',
      absentSince: null,
    });
    expect(stepProof(proof('checking'), seen(T0 + 500), T0 + 1000)).toEqual({
      kind: 'phase',
      phase: 'await-unfollow',
      absentSince: null,
    });
    expect(stepProof(proof('await-unfollow'), seen(T0 + 500), T0 + 1000)).toEqual({ kind: 'wait' });
    // An absence from before the claim counts for nothing.
    expect(stepProof(proof('await-unfollow'), seen(T0 + 500, T0 - 1), T0 + 1000)).toEqual({ kind: 'wait' });
  });

  it('moves on once a search after the claim found the account absent', () => {
    expect(stepProof(proof('await-unfollow'), seen(T0 + 100, T0 + 500), T0 + 1000)).toEqual({
      kind: 'phase',
      phase: 'await-follow',
      absentSince: T0 + 500,
    });
    expect(stepProof(proof('checking'), seen(null, T0 + 500), T0 + 1000)).toEqual({
      kind: 'phase',
      phase: 'await-follow',
      absentSince: T0 + 500,
    });
    // Already told to follow: the absence is noted silently.
    expect(stepProof(proof('await-follow'), seen(null, T0 + 500), T0 + 1000)).toEqual({
      kind: 'absent',
      at: T0 + 500,
    });
  });

  it('asks the watcher for a whole search until an absence is seen, then only for a look', () => {
    expect(searchNeed(proof('await-unfollow'))).toBe('absence');
    expect(searchNeed(proof('await-follow'))).toBe('absence');
    expect(searchNeed(proof('await-follow', { absentSince: T0 + 1 }))).toBe('presence');
  });

  it('expires after 15 minutes, saying whether the list could be read at all', () => {
    expect(stepProof(proof('await-follow'), seen(null), T0 + PROOF_TIMEOUT_MS)).toEqual({
      kind: 'expire',
      listRead: true,
    });
    expect(stepProof(proof('checking', { listRead: false }), seen(null), T0 + PROOF_TIMEOUT_MS)).toEqual({
      kind: 'expire',
      listRead: false,
    });
    expect(stepProof(proof('checking', { listRead: false }), seen(null), T0 + PROOF_TIMEOUT_MS - 1)).toEqual({
      kind: 'wait',
    });
  });
});
