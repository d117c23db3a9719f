/** The follow proof's decision, as a pure function of the proof, the list and the time. */
import { describe, expect, it } from 'vitest';
import { type PendingProof, PROOF_TIMEOUT_MS, stepProof } from '../../src/tracking/link-proof.js';

const T0 = 1_700_000_000_000;
const proof = (phase: PendingProof['phase'], extra: Partial<PendingProof> = {}): PendingProof => ({
  discordUserId: '1',
  guildId: null,
  ulid: '01HZZZZZZZ0000000000000001',
  displayName: 'Scott',
  startedAt: T0,
  followSince: T0,
  phase,
  listRead: true,
  ...extra,
});

describe('stepProof', () => {
  it('confirms a follow seen after the claim, from a full pass or from any page read since', () => {
    expect(stepProof(proof('await-follow'), true, T0 + 1000)).toEqual({ kind: 'confirm' });
    // Many pages: the full pass still says "not following", but page 1 listed the account.
    expect(stepProof(proof('await-follow'), false, T0 + 1000, T0 + 500)).toEqual({ kind: 'confirm' });
    expect(stepProof(proof('await-follow'), false, T0 + 1000, T0 - 1)).toEqual({ kind: 'wait' });
  });

  it('never takes a follow from before the claim as proof', () => {
    expect(stepProof(proof('checking'), true, T0 + 1000, T0 + 500)).toEqual({
      kind: 'phase',
      phase: 'await-unfollow',
    });
    expect(stepProof(proof('await-unfollow'), true, T0 + 1000, T0 + 500)).toEqual({ kind: 'wait' });
    expect(stepProof(proof('await-unfollow'), false, T0 + 1000)).toEqual({
      kind: 'phase',
      phase: 'await-follow',
    });
  });

  it('expires after 15 minutes, saying whether the list could be read at all', () => {
    expect(stepProof(proof('await-follow'), false, T0 + PROOF_TIMEOUT_MS)).toEqual({
      kind: 'expire',
      listRead: true,
    });
    expect(stepProof(proof('checking', { listRead: false }), null, T0 + PROOF_TIMEOUT_MS)).toEqual({
      kind: 'expire',
      listRead: false,
    });
    expect(stepProof(proof('checking', { listRead: false }), null, T0 + PROOF_TIMEOUT_MS - 1)).toEqual({
      kind: 'wait',
    });
  });
});
