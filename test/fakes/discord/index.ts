export type { InteractionHandle, OptionsInput } from './interactions.js';
export type { FakeComponent, FakeEmbed, FakeMessage } from './messages.js';
export { MessageFlag } from './messages.js';
export { ALL_PERMISSIONS, DEFAULT_BOT_PERMISSIONS, Permission } from './permissions.js';
export type { FakeDiscordOptions, RecordedRequest } from './server.js';
export {
  DEFAULT_NONCE_WINDOW_MS,
  FakeDiscord,
  startFakeDiscord,
} from './server.js';
export type { FakeChannel, FakeGuild, FakeMember } from './state.js';
export { embedCharacters, LIMITS } from './validate.js';
