import type { Command } from '../src/discord/command.js';
import { aotwCommand } from './aotw.js';
import { digestCommand } from './digest.js';
import { createLeaderboardCommand } from './leaderboard.js';
import { createProgressCommand } from './progress.js';
import { settingsCommand } from './settings.js';
import { trackCommand } from './track.js';

/** Every slash command the bot offers; call once per running bot (commands hold caches). */
export function createCommands(): readonly Command[] {
  return [
    createProgressCommand(),
    trackCommand,
    settingsCommand,
    createLeaderboardCommand(),
    aotwCommand,
    digestCommand,
  ];
}
