import { PermissionFlagsBits as P } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { channelPermissions, missingAnnouncePermissions } from '../../src/discord/permissions.js';

const GUILD = '100000000000000001';
const BOT = '100000000000000002';
const ROLE_A = '100000000000000003';
const ROLE_B = '100000000000000004';
const base = {
  guildId: GUILD,
  ownerId: '100000000000000009',
  userId: BOT,
  rolePermissions: new Map([
    [GUILD, P.ViewChannel | P.SendMessages],
    [ROLE_A, P.EmbedLinks],
    [ROLE_B, P.AttachFiles],
  ]),
  memberRoleIds: [ROLE_A, ROLE_B],
  overwrites: [],
};
const names = (input: Parameters<typeof channelPermissions>[0]) =>
  missingAnnouncePermissions(channelPermissions(input));

describe('channel permissions (Discord’s rules)', () => {
  it('adds @everyone and the member’s roles', () => {
    expect(names(base)).toEqual([]);
    expect(names({ ...base, memberRoleIds: [ROLE_A] })).toEqual(['Attach Files']);
  });

  it('lets one role’s allow beat another role’s deny in the same channel, and the member overwrite beat both', () => {
    const roles = [
      { id: ROLE_A, type: 0, allow: 0n, deny: P.SendMessages },
      { id: ROLE_B, type: 0, allow: P.SendMessages, deny: 0n },
    ];
    expect(names({ ...base, overwrites: roles })).toEqual([]);
    expect(
      names({ ...base, overwrites: [...roles, { id: BOT, type: 1, allow: 0n, deny: P.SendMessages }] }),
    ).toEqual(['Send Messages']);
  });

  it('gives the owner and Administrator everything, overwrites or not', () => {
    const denyAll = [{ id: GUILD, type: 0, allow: 0n, deny: P.ViewChannel | P.SendMessages }];
    expect(names({ ...base, overwrites: denyAll })).toEqual(['View Channel', 'Send Messages']);
    expect(names({ ...base, ownerId: BOT, overwrites: denyAll })).toEqual([]);
    const admin = new Map([...base.rolePermissions, [ROLE_B, P.Administrator]]);
    expect(names({ ...base, rolePermissions: admin, overwrites: denyAll })).toEqual([]);
  });
});
