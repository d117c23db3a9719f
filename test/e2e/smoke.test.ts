import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('bot start-up against the fakes', () => {
  it('logs in, registers its commands once, and answers /track list', async () => {
    h = await startHarness();
    expect(h.discord.commands.global.map((c) => c.name).sort()).toEqual([
      'game',
      'progress',
      'settings',
      'track',
    ]);
    const reply = await h.slash(h.member, 'track', { subcommand: 'list' });
    expect(reply.embeds?.[0]?.description).toContain('Nobody is tracked');
    await h.restart();
    const puts = h.discord.requests.filter((r) => r.method === 'PUT' && r.path.includes('/commands'));
    expect(puts).toHaveLength(1);
    expect(h.discord.violations).toEqual([]);
    expect(h.logs.join('\n')).toContain('cheevobot ready');
  });

  it('registers to DEV_GUILD_ID only when set, and not at all with REGISTER_COMMANDS=false', async () => {
    const devGuild = '123456789012345678';
    h = await startHarness({
      env: { DEV_GUILD_ID: devGuild },
      beforeLogin: (discord) => {
        discord.addGuild({ id: devGuild, name: 'Dev' });
      },
    });
    expect(h.discord.commands.global).toEqual([]);
    expect((h.discord.commands.guilds.get(devGuild) ?? []).map((c) => c.name).sort()).toEqual([
      'game',
      'progress',
      'settings',
      'track',
    ]);
    await h.stop();
    h = undefined;

    h = await startHarness({ env: { REGISTER_COMMANDS: 'false' } });
    expect(h.discord.requests.filter((r) => r.path.includes('/commands'))).toEqual([]);
    expect(h.logs.join('\n')).toContain('cheevobot ready');
  });
});
