/** The bot's name, version and project page: sent to RA as the User-Agent, shown by tools. */
export const BOT_NAME = 'cheevobot';
/** Kept equal to package.json's version (a test checks it). */
export const BOT_VERSION = '0.1.0';
/** Where RA's admins can read about the bot (package.json `homepage`; a test checks they agree). */
export const PROJECT_URL = 'https://github.com/cheevobot/cheevobot';
/** RA asks callers to name themselves: `cheevobot/0.1.0 (+https://...)`. */
export const USER_AGENT = `${BOT_NAME}/${BOT_VERSION} (+${PROJECT_URL})`;
