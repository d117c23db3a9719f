import { expect } from 'vitest';
import type { FakeDiscord } from '../fakes/discord/index.js';

/**
 * Everything the fake Discord complained about: bodies and calls Discord would refuse
 * (violations), bugs in the fake itself (errors) and findings such as an `attachment://` image
 * with no such upload (warnings). A test that leaves any of them has a bug somewhere.
 */
export function expectNoComplaints(discord: FakeDiscord): void {
  expect({
    violations: discord.violations,
    errors: discord.errors.map(String),
    warnings: discord.warnings,
  }).toEqual({ violations: [], errors: [], warnings: [] });
}
