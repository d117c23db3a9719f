import type { Command } from '../src/discord/command.js';
import { aotwCommand } from './aotw.js';
import { arcadeCommand } from './arcade.js';
import { challengeCommand } from './challenge.js';
import { digestCommand } from './digest.js';
import { createGameCommand } from './game.js';
import { createLeaderboardCommand } from './leaderboard.js';
import { linkCommand } from './link.js';
import { createProfileCommand } from './profile.js';
import { createProgressCommand } from './progress.js';
import { settingsCommand } from './settings.js';
import { localizeCommand } from './shared/locale.js';
import { trackCommand } from './track.js';
import { unlinkCommand } from './unlink.js';

/**
 * Every slash command the bot offers, its descriptions in every language the bot speaks; call
 * once per running bot (commands hold caches).
 */
export function createCommands(): readonly Command[] {
  const commands: Command[] = [
    createProgressCommand(),
    trackCommand,
    settingsCommand,
    linkCommand,
    unlinkCommand,
    createProfileCommand(),
    createGameCommand(),
    createLeaderboardCommand(),
    aotwCommand,
    digestCommand,
    challengeCommand,
    arcadeCommand,
  ];
  return commands.map((command) => ({ ...command, data: localizeCommand(command.data) }));
}
