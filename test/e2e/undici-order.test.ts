/**
 * The bot's own undici (7) loaded BEFORE discord.js's (6): the first undici loaded creates the
 * process-wide default dispatcher, and discord.js uploads used to fail through it. This file
 * imports undici first on purpose; the bot must still upload the badge grid.
 */
import 'undici';
import { afterEach, expect, it } from 'vitest';
import { FakeWorld } from '../fakes/ra/index.js';
import { type Harness, startHarness } from './harness.js';
import { progress, SONIC, seedWorld } from './progress-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

it('uploads the /progress badge grid even when undici 7 was loaded before discord.js', async () => {
  const world = new FakeWorld({ masteryMinAchievements: 1 });
  seedWorld(world);
  h = await startHarness({ world });
  const reply = await progress(h, h.member, 'Scott', String(SONIC)).waitForReply(10_000);
  expect(reply.embeds[0]?.title).toBe('Sonic the Hedgehog');
  expect(reply.attachments.map((a) => a.filename)).toEqual(['badges.png']);
  expect(h.discord.violations).toEqual([]);
});
