export type { Fault, FaultSpec } from './faults.js';
export type { IdentifyRecord } from './gateway.js';
export type {
  AutocompleteChoice,
  CallbackRecord,
  CommandOptionInput,
  InteractionHandle,
  InteractionKind,
  InteractionResponse,
  OptionsInput,
  OptionValue,
} from './interactions.js';
export type { FakeAttachment, FakeComponent, FakeEmbed, FakeMessage } from './messages.js';
export { MessageFlag } from './messages.js';
export {
  ALL_PERMISSIONS,
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  Permission,
} from './permissions.js';
export type {
  AutocompleteInput,
  ButtonClickInput,
  FakeDiscordOptions,
  RecordedRequest,
  SlashCommandInput,
  Violation,
} from './server.js';
export {
  DEFAULT_NONCE_WINDOW_MS,
  DEFAULT_TOKEN_LIFETIME_MS,
  FakeDiscord,
  startFakeDiscord,
} from './server.js';
export type {
  ChannelInput,
  FakeChannel,
  FakeGuild,
  FakeMember,
  FakeRole,
  FakeUser,
  GuildInput,
  MemberInput,
  OverwriteInput,
  RoleInput,
} from './state.js';
export { embedCharacters, LIMITS } from './validate.js';
