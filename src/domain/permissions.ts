/** What the bot needs in an announcement channel, with the names Discord's UI shows. */
import { PermissionFlagsBits } from 'discord.js';
export const ANNOUNCE_PERMISSIONS = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.AttachFiles, 'Attach Files'],
] as const;

/** Those permissions as people read them: "View Channel, Send Messages, Embed Links, Attach Files". */
export const ANNOUNCE_PERMISSION_NAMES = ANNOUNCE_PERMISSIONS.map(([, name]) => name).join(', ');
