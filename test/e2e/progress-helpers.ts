/**
 * Helpers for the /progress end-to-end tests: a scripted RA world, and the user's side of
 * Discord (type a command, type into an option, press a button) through the fake Discord.
 */
import { expect } from 'vitest';
import type {
  FakeComponent,
  FakeMember,
  FakeMessage,
  InteractionHandle,
  OptionsInput,
  RecordedRequest,
} from '../fakes/discord/index.js';
import { embedCharacters, LIMITS, MessageFlag } from '../fakes/discord/index.js';
import type { FakeWorld } from '../fakes/ra/index.js';
import type { Harness } from './harness.js';

export const SONIC = 1446;
export const MASTERED_GAME = 3001;
export const UNPLAYED_GAME = 4001;
export const BIG_SET = 5001;
export const BIG_SET_SIZE = 400;
export const BIG_SET_EARNED = 137;

/** Fixed dates so the assertions can name them. */
export const T0 = Date.UTC(2024, 0, 10, 12, 0, 0);
export const at = (minutes: number) => new Date(T0 + minutes * 60_000);
export const unix = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Scott (display name "ScottyDoesKnow") plays:
 * - Sonic (23 achievements): 12 earned, 8 of them hardcore, beaten in hardcore;
 * - a 3-achievement game, mastered;
 * - a 400-achievement set with 137 earned;
 * - (and has never touched game 4001.)
 */
export function seedWorld(world: FakeWorld) {
  const scott = world.addUser({ username: 'Scott', displayName: 'ScottyDoesKnow' });
  world.addUser({ username: 'Nobody' });
  world.addGame({
    id: SONIC,
    title: 'Sonic the Hedgehog',
    consoleName: 'Genesis/Mega Drive',
    achievements: Array.from({ length: 23 }, (_, i) => ({
      id: 10_000 + i,
      title: `Sonic feat ${i + 1}`,
      description: `Clear act ${i + 1} without a hit`,
      points: 5,
      trueRatio: 7,
      type: i === 0 ? ('progression' as const) : i === 1 ? ('win_condition' as const) : null,
    })),
  });
  // 8 hardcore unlocks (incl. the progression + win condition: beaten hardcore), then 4 softcore.
  for (let i = 0; i < 8; i++) world.unlock(scott.ulid, 10_000 + i, { hardcore: true, at: at(i) });
  for (let i = 8; i < 12; i++) world.unlock(scott.ulid, 10_000 + i, { at: at(i) });

  world.addGame({
    id: MASTERED_GAME,
    title: 'Tiny Quest',
    consoleName: 'Game Boy',
    achievements: [1, 2, 3].map((n) => ({ id: 30_000 + n, points: 10 })),
  });
  for (const n of [1, 2, 3]) world.unlock(scott.ulid, 30_000 + n, { hardcore: true, at: at(100 + n) });

  world.addGame({ id: UNPLAYED_GAME, title: 'Untouched Adventure', consoleName: 'SNES' });
  world.addAchievements(UNPLAYED_GAME, [{ id: 40_001 }, { id: 40_002 }]);

  world.addGame({
    id: BIG_SET,
    title: 'Marathon Collection',
    consoleName: 'PlayStation',
    achievements: Array.from({ length: BIG_SET_SIZE }, (_, i) => ({
      id: 50_000 + i,
      title: `Marathon stage ${i + 1}`,
      description: `Finish stage ${i + 1}`,
      points: 1 + (i % 10),
    })),
  });
  for (let i = 0; i < BIG_SET_EARNED; i++) {
    world.unlock(scott.ulid, 50_000 + i * 2, { hardcore: i % 2 === 0, at: at(200 + i) });
  }
  // Make Sonic the most recently played game.
  world.play(scott.ulid, SONIC, at(10_000));
  return { scott };
}

/** Types `/name options` as `who` and returns the handle (for replies that may be follow-ups). */
export function runCommand(
  h: Harness,
  who: FakeMember,
  name: string,
  options: OptionsInput,
): InteractionHandle {
  return h.discord.sendSlashCommand({
    guildId: h.guild.id,
    channelId: h.channel.id,
    userId: who.user.id,
    name,
    options,
  });
}

export function progress(h: Harness, who: FakeMember, user: string, game: string): InteractionHandle {
  return runCommand(h, who, 'progress', { user, game });
}

/** The ephemeral message a failed /progress leaves (the public placeholder deleted). */
export async function ephemeralError(handle: InteractionHandle, timeoutMs = 10_000): Promise<FakeMessage> {
  await handle.waitFor((x) => x.followUps.length > 0, timeoutMs, 'an ephemeral follow-up');
  const followUp = handle.followUps[0]!;
  expect(followUp.flags & MessageFlag.Ephemeral).toBe(MessageFlag.Ephemeral);
  // The public "thinking…" placeholder was removed, so nobody else sees a dangling reply.
  expect(handle.responses.some((r) => r.kind === 'delete')).toBe(true);
  expect(handle.edits).toEqual([]);
  return followUp;
}

export function autocomplete(
  h: Harness,
  who: FakeMember,
  focused: 'user' | 'game',
  options: Record<string, string>,
): InteractionHandle {
  return h.discord.sendAutocomplete({
    guildId: h.guild.id,
    channelId: h.channel.id,
    userId: who.user.id,
    name: 'progress',
    focused,
    options,
  });
}

export function buttons(message: FakeMessage): FakeComponent[] {
  return message.components.flatMap((row) => row.components ?? []);
}

export function buttonByLabel(message: FakeMessage, label: string | RegExp): FakeComponent {
  const found = buttons(message).find((b) =>
    typeof label === 'string' ? b.label === label : label.test(b.label ?? ''),
  );
  if (!found?.custom_id) {
    throw new Error(
      `no button ${String(label)} among ${buttons(message)
        .map((b) => b.label)
        .join(', ')}`,
    );
  }
  return found;
}

export function press(
  h: Harness,
  who: FakeMember,
  message: FakeMessage,
  customId: string,
): InteractionHandle {
  return h.discord.clickButton({
    guildId: h.guild.id,
    channelId: h.channel.id,
    userId: who.user.id,
    customId,
    messageId: message.id,
  });
}

/** Presses a button by its label and waits for the message to be updated. */
export async function pressAndWait(
  h: Harness,
  who: FakeMember,
  message: FakeMessage,
  label: string | RegExp,
): Promise<FakeMessage> {
  const button = buttonByLabel(message, label);
  expect(button.disabled ?? false).toBe(false);
  const handle = press(h, who, message, button.custom_id!);
  await handle.waitFor((x) => x.edits.length > 0, 10_000, `the page after "${String(label)}"`);
  return handle.edits.at(-1)!;
}

/** Discord's limits on one message, as a user's client would enforce them. */
export function expectWithinLimits(message: FakeMessage): void {
  expect(message.content.length).toBeLessThanOrEqual(LIMITS.content);
  expect(message.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  expect(message.embeds.reduce((sum, e) => sum + embedCharacters(e), 0)).toBeLessThanOrEqual(6000);
  for (const embed of message.embeds) {
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(256);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
    expect(embed.author?.name.length ?? 0).toBeLessThanOrEqual(256);
    expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(2048);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.length).toBeLessThanOrEqual(1024);
      expect(field.value.length).toBeGreaterThan(0);
    }
  }
  expect(message.components.length).toBeLessThanOrEqual(LIMITS.actionRows);
  for (const row of message.components) {
    expect(row.components?.length ?? 0).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
  }
  const ids = buttons(message).flatMap((b) => (b.custom_id ? [b.custom_id] : []));
  for (const id of ids) expect(id.length).toBeLessThanOrEqual(LIMITS.customId);
  expect(new Set(ids).size).toBe(ids.length);
}

/** The message-carrying body of a request the bot made (callback data, webhook body, channel post). */
function messageBody(request: RecordedRequest): Record<string, unknown> | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return undefined;
  if (request.path.startsWith('/interactions/')) {
    // 4 reply, 7 update carry a message; 5/6 (defer) carry flags only; 8 is autocomplete.
    return body.type === 4 || body.type === 7 ? (body.data as Record<string, unknown>) : undefined;
  }
  if (request.path.startsWith('/webhooks/') || /\/channels\/\d+\/messages$/.test(request.path)) {
    return request.method === 'POST' || request.method === 'PATCH' ? body : undefined;
  }
  return undefined;
}

/** Every message the bot sent or edited said `allowed_mentions: { parse: [] }`: nothing can ping. */
export function expectNoPings(h: Harness): void {
  const sends = h.discord.requests.flatMap((r) => {
    const body = messageBody(r);
    return body ? [{ path: r.path, body }] : [];
  });
  expect(sends.length).toBeGreaterThan(0);
  for (const send of sends) {
    expect({ path: send.path, allowed_mentions: send.body.allowed_mentions }).toEqual({
      path: send.path,
      allowed_mentions: { parse: [] },
    });
  }
}
