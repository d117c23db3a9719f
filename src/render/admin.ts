import type { APIEmbed } from 'discord.js';
import type { RaUrls } from '../ra/urls.js';
import { safeText } from './text.js';

export const ADMIN_COLOR = 0x5865f2;
const FIELD_VALUE_MAX = 1024;

export interface TrackedUserView {
  ulid: string;
  displayName: string;
  channelId: string | null;
  trackedSince: number;
}

/** `/track list`: one line per user, within the description limit ("… and K more"). */
export function renderTrackList(input: {
  users: readonly TrackedUserView[];
  defaultChannelId: string | null;
  urls: RaUrls;
}): APIEmbed {
  const { users, defaultChannelId, urls } = input;
  if (users.length === 0) {
    return {
      title: 'Tracked users',
      description: 'Nobody is tracked on this server yet. A manager can add someone with `/track add`.',
      color: ADMIN_COLOR,
    };
  }
  const lines: string[] = [];
  let length = 0;
  for (const [index, user] of users.entries()) {
    const channel = user.channelId ?? defaultChannelId;
    const line = `• [${safeText(user.displayName, 40, { singleLine: true })}](${urls.userById(user.ulid)}) → ${
      channel ? `<#${channel}>` : '*no channel*'
    } · since <t:${Math.floor(user.trackedSince / 1000)}:d>`;
    const more = `\n… and ${users.length - index} more`;
    if (length + line.length + 1 + more.length > 4000) {
      lines.push(more.trim());
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return {
    title: `Tracked users (${users.length})`,
    description: lines.join('\n'),
    color: ADMIN_COLOR,
  };
}

export interface SettingsView {
  defaultChannelId: string | null;
  managerRoleId: string | null;
  announceUnlocks: boolean;
  announceAwards: boolean;
  announceSoftcore: boolean;
}

export interface OutboxView {
  pending: number;
  failed: number;
  recentFailures: readonly { channelId: string; code: number | null; reason: string; at: number }[];
}

/** `/settings show`: the settings, the tracked count, and deliveries that failed for good (and why). */
export function renderSettings(input: {
  settings: SettingsView;
  tracked: number;
  cap: number;
  outbox: OutboxView;
}): APIEmbed {
  const { settings, tracked, cap, outbox } = input;
  const onOff = (v: boolean) => (v ? 'on' : 'off');
  const failures = outbox.recentFailures
    .slice(0, 5)
    .map(
      (f) =>
        `• <#${f.channelId}> <t:${Math.floor(f.at / 1000)}:R>: ${safeText(f.reason, 150, { singleLine: true })}${f.code ? ` (code ${f.code})` : ''}`,
    );
  const head = `${outbox.pending} waiting · ${outbox.failed} failed for good`;
  const hint =
    'Fix the channel permissions (View Channel, Send Messages, Embed Links, Attach Files) or pick another channel.';
  // A field value holds 1024 characters: list as many failures as fit with the hint.
  let delivery = head;
  if (failures.length > 0) {
    const shown: string[] = [];
    for (const line of failures) {
      if ([head, ...shown, line, hint].join('\n').length > FIELD_VALUE_MAX) break;
      shown.push(line);
    }
    delivery = [head, ...shown, hint].join('\n');
  }
  return {
    title: 'cheevobot settings',
    color: ADMIN_COLOR,
    fields: [
      {
        name: 'Announcement channel',
        value: settings.defaultChannelId
          ? `<#${settings.defaultChannelId}>`
          : 'not set (`/settings channel`)',
        inline: true,
      },
      {
        name: 'Manager role',
        value: settings.managerRoleId ? `<@&${settings.managerRoleId}>` : 'none (Manage Server only)',
        inline: true,
      },
      { name: 'Tracked users', value: `${tracked} of ${cap}`, inline: true },
      {
        name: 'Announce',
        value: `unlocks **${onOff(settings.announceUnlocks)}** · awards **${onOff(settings.announceAwards)}** · softcore unlocks **${onOff(settings.announceSoftcore)}**`,
      },
      {
        name: 'Delivery',
        value: delivery,
      },
    ],
  };
}
