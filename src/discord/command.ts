import type {
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Arcade } from '../arcade/feature.js';
import type { Catalogue } from '../catalogue/search.js';
import type { Challenges } from '../challenges/feature.js';
import type { Config } from '../config.js';
import { DEFAULT_LOCALE, type Messages, messagesFor } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { RaCatalogueApi, RaClient } from '../ra/client.js';
import type { RaUrls } from '../ra/urls.js';
import type { BadgeGridRenderer } from '../render/badges.js';
import type { Store } from '../store/index.js';
import type { FollowerWatcher } from '../tracking/followers.js';
import type { LinkProofs } from '../tracking/link-proof.js';
import type { ScheduleRunner } from '../tracking/schedule-runner.js';

/** Everything a command handler may use; passed in so tests wire the real code to fakes. */
export interface CommandContext {
  config: Config;
  store: Store;
  ra: RaClient & RaCatalogueApi;
  /** Game lookup over the local catalogue (issue 13). */
  catalogue: Catalogue;
  urls: RaUrls;
  badges: BadgeGridRenderer;
  logger: Logger;
  now: () => Date;
  /** Pending `/link` follow proofs. */
  linkProofs: LinkProofs;
  /** Who follows the key owner on RA (tracking/followers.ts); absent without RA_USERNAME. */
  followers?: FollowerWatcher;
  /** Whom the key owner follows on RA (same watcher, the other list); absent without RA_USERNAME. */
  following?: FollowerWatcher;
  /** How tracked users are being polled (tracking/schedule-runner.ts); set once the bot runs. */
  polling?: Pick<ScheduleRunner, 'summary'>;
  /** Server challenges (ending one now; telling the feature a post was queued); set once the bot runs. */
  challenges?: Pick<Challenges, 'endNow' | 'closeVoteNow' | 'queued'>;
  /** Arcade boards (RA leaderboards): cached reads for commands; set once the bot runs. */
  arcade?: Pick<Arcade, 'boardsOfGame' | 'readBoard' | 'entriesFor'>;
}

export type DeferMode = 'ephemeral' | 'public' | 'none';

/** One slash command: its definition (plain data) and its handlers. */
export interface Command {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** How to acknowledge before running `execute` (decided per interaction, e.g. per subcommand). */
  deferMode(interaction: ChatInputCommandInteraction): DeferMode;
  execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void>;
  autocomplete?(
    interaction: AutocompleteInteraction,
    ctx: CommandContext,
  ): Promise<ApplicationCommandOptionChoiceData<string>[]>;
  /** Buttons whose custom_id starts with `${componentPrefix}:` are routed here. */
  readonly componentPrefix?: string;
  handleButton?(interaction: ButtonInteraction, ctx: CommandContext): Promise<void>;
}

/**
 * An error whose message is meant for the Discord user as-is (already safe text). Given a
 * function, it is said in the reader's language (the router passes the invoker's `Messages`);
 * `message` is then the English, for logs.
 */
export class UserFacingError extends Error {
  readonly say: (messages: Messages) => string;
  constructor(message: string | ((messages: Messages) => string)) {
    const say = typeof message === 'string' ? () => message : message;
    super(say(messagesFor(DEFAULT_LOCALE)));
    this.name = 'UserFacingError';
    this.say = say;
  }
}
