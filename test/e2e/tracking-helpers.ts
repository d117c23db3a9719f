/**
 * Shared set-up for the tracking/outbox e2e tests: the harness on a controllable clock (the bot
 * and the fake RA world read the same one), a default announcement channel, and small games.
 */
import { expect } from 'vitest';
import type { FakeEmbed, FakeMessage } from '../fakes/discord/index.js';
import { MessageFlag } from '../fakes/discord/index.js';
import { type FakeAchievementInit, FakeWorld } from '../fakes/ra/index.js';
import { type Harness, type HarnessOptions, startHarness } from './harness.js';

export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

/** Real time plus an offset the test moves forward (backoffs, prune ages, name refreshes). */
export function testClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
  };
}

export interface TrackingSetup {
  h: Harness;
  world: FakeWorld;
  clock: TestClock;
}

/** The harness with `#achievements` as the server's default announcement channel. */
export async function startTracking(
  options: Omit<HarnessOptions, 'world' | 'now'> = {},
): Promise<TrackingSetup> {
  const clock = testClock();
  const world = new FakeWorld({ masteryMinAchievements: 1, now: clock.now });
  const h = await startHarness({ ...options, world, now: clock.now });
  const reply = await h.slash(h.admin, 'settings', {
    subcommand: 'channel',
    options: { channel: h.channel.id },
  });
  expect(reply.content).toContain(`<#${h.channel.id}>`);
  return { h, world, clock };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A game with `n` achievements, ids `gameId * 100 + 1 ...`, 5 points each unless given. */
export function addGame(
  world: FakeWorld,
  gameId: number,
  title: string,
  achievements: number | FakeAchievementInit[],
): number[] {
  const list: FakeAchievementInit[] =
    typeof achievements === 'number'
      ? Array.from({ length: achievements }, (_, i) => ({
          id: gameId * 100 + i + 1,
          title: `${title} cheevo ${i + 1}`,
          description: `Do thing ${i + 1}`,
          points: 5,
          displayOrder: i + 1,
        }))
      : achievements;
  world.addGame({
    id: gameId,
    title,
    consoleName: 'Mega Drive',
    imageBoxArt: `/Images/0${gameId}99.png`,
    achievements: list,
  });
  return list.map((a) => a.id);
}

export async function track(
  h: Harness,
  user: string,
  extra: {
    channel?: string;
    who?: Harness['admin'];
    guild?: Harness['guild'];
    inChannel?: Harness['channel'];
  } = {},
): Promise<FakeMessage> {
  return h.slash(extra.who ?? h.admin, 'track', {
    subcommand: 'add',
    options: extra.channel ? { user, channel: extra.channel } : { user },
    ...(extra.guild ? { guild: extra.guild } : {}),
    ...(extra.inChannel ? { channel: extra.inChannel } : {}),
  });
}

export function isEphemeral(message: FakeMessage): boolean {
  return (message.flags & MessageFlag.Ephemeral) !== 0;
}

/** Everything a reader sees in a message, as one string. */
export function messageText(message: FakeMessage): string {
  return [message.content, ...message.embeds.map(embedText)].join('\n');
}

export function embedText(embed: FakeEmbed): string {
  const e = embed as Record<string, unknown> & {
    author?: { name?: string };
    footer?: { text?: string };
    fields?: { name: string; value: string }[];
  };
  return [
    e.author?.name,
    e.title,
    e.description,
    ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    e.footer?.text,
  ]
    .filter((part): part is string => typeof part === 'string')
    .join('\n');
}

/** The achievement ids an announcement is about (its links), in order. */
export function announcedAchievementIds(message: FakeMessage): number[] {
  const ids: number[] = [];
  for (const embed of message.embeds) {
    const raw = JSON.stringify(embed);
    for (const match of raw.matchAll(/\/achievement\/(\d+)/g)) ids.push(Number(match[1]));
  }
  return [...new Set(ids)];
}

/** Channel posts' request bodies as the bot sent them (allowed_mentions, nonce). */
export function channelPostBodies(h: Harness, channelId: string): Record<string, unknown>[] {
  return h.discord.requests
    .filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`)
    .map((r) => r.body as Record<string, unknown>);
}

/** `/settings show` as the admin sees it (its embeds as one JSON string). */
export async function settingsShow(h: Harness): Promise<string> {
  const show = await h.slash(h.admin, 'settings', { subcommand: 'show' });
  return JSON.stringify(show.embeds);
}
