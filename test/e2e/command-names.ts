import { createCommands } from '../../commands/index.js';

/** Every slash command the bot registers, sorted (from the commands themselves, so new ones count). */
export const COMMAND_NAMES = createCommands()
  .map((c) => c.data.name)
  .sort();
