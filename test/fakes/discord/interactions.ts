import { isRecord, type JsonObject } from './http.js';
import { type FakeMessage, MessageFlag, type MessageStore } from './messages.js';
import type { ChangeSignal } from './waiting.js';

export type InteractionKind = 'command' | 'autocomplete' | 'component';

/** Discord's interaction types (the `type` field of INTERACTION_CREATE). */
export const INTERACTION_TYPE: Record<InteractionKind, number> = {
  command: 2,
  component: 3,
  autocomplete: 4,
};

/** Callback types: which ones each kind of interaction may use. */
const ALLOWED_CALLBACKS: Record<InteractionKind, readonly number[]> = {
  command: [4, 5, 9],
  component: [4, 5, 6, 7, 9],
  autocomplete: [8],
};

export interface CallbackRecord {
  /** 4 reply, 5 defer, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
  type: number;
  data: JsonObject | undefined;
  at: number;
}

export interface AutocompleteChoice {
  name: string;
  value: string | number;
}

/** Everything the bot did for one interaction, in order. */
export type InteractionResponse =
  | { kind: 'callback'; callback: CallbackRecord }
  | { kind: 'edit'; message: FakeMessage; at: number }
  | { kind: 'followUp'; message: FakeMessage; at: number }
  | { kind: 'delete'; messageId: string; at: number };

const DEFAULT_WAIT_MS = 2000;

/**
 * The test's view of one interaction it sent: what the bot answered, and promises that settle
 * once it has. Message snapshots are Discord-shaped (`content`, `embeds`, `components`, ...).
 */
export class InteractionHandle {
  readonly responses: InteractionResponse[] = [];
  /** Real time of dispatch (the 3 s acknowledgement deadline). */
  readonly createdAt = Date.now();
  /** The fake's clock at dispatch (the token's 15-minute lifetime). */
  issuedAt = Date.now();
  /** The id of the message `@original` refers to, once there is one. */
  originalMessageId: string | undefined;

  constructor(
    readonly id: string,
    readonly token: string,
    readonly kind: InteractionKind,
    readonly guildId: string,
    readonly channelId: string,
    /** The member who invoked it. */
    readonly userId: string,
    /** The command's name (for commands and autocomplete). */
    readonly commandName: string | undefined,
    /** For a component interaction: the message the component is on. */
    readonly sourceMessageId: string | undefined,
    private readonly store: MessageStore,
    private readonly signal: ChangeSignal,
  ) {}

  get callbacks(): CallbackRecord[] {
    return this.responses.flatMap((r) => (r.kind === 'callback' ? [r.callback] : []));
  }

  /** Snapshots of the original message after each edit of it (editReply). */
  get edits(): FakeMessage[] {
    return this.responses.flatMap((r) => (r.kind === 'edit' ? [r.message] : []));
  }

  get followUps(): FakeMessage[] {
    return this.responses.flatMap((r) => (r.kind === 'followUp' ? [r.message] : []));
  }

  get acknowledged(): boolean {
    return this.callbacks.length > 0;
  }

  /** The autocomplete choices the bot answered with, if it has. */
  get choices(): AutocompleteChoice[] | undefined {
    const callback = this.callbacks.find((c) => c.type === 8);
    if (!callback) return undefined;
    const choices = callback.data?.choices;
    return Array.isArray(choices) ? (choices as AutocompleteChoice[]) : [];
  }

  /**
   * The reply as the user sees it now: the type-4 message, the updated message (7), or the
   * original after a deferral (5/6) once it has been edited. Undefined while "thinking".
   */
  get reply(): FakeMessage | undefined {
    const first = this.callbacks[0];
    if (!first || this.originalMessageId === undefined) return undefined;
    const message = this.store.get(this.originalMessageId);
    if (!message) return undefined;
    if (first.type === 5 && (message.flags & MessageFlag.Loading) !== 0) return undefined;
    if (first.type === 6 && this.edits.length === 0) return undefined;
    return first.type === 8 || first.type === 9 ? undefined : message;
  }

  /** Resolves with the first callback (the acknowledgement). */
  waitForResponse(timeoutMs = DEFAULT_WAIT_MS): Promise<CallbackRecord> {
    return this.signal.until(
      () => this.callbacks[0],
      timeoutMs,
      () => this.#describe('a callback'),
    );
  }

  /** Resolves with the first visible reply (see `reply`). */
  waitForReply(timeoutMs = DEFAULT_WAIT_MS): Promise<FakeMessage> {
    return this.signal.until(
      () => this.reply,
      timeoutMs,
      () => this.#describe('a visible reply'),
    );
  }

  waitForChoices(timeoutMs = DEFAULT_WAIT_MS): Promise<AutocompleteChoice[]> {
    return this.signal.until(
      () => this.choices,
      timeoutMs,
      () => this.#describe('autocomplete choices'),
    );
  }

  /** Resolves once `predicate(this)` holds, e.g. `h => h.edits.length >= 2`. */
  async waitFor(
    predicate: (handle: this) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
    what = 'a condition',
  ): Promise<void> {
    await this.signal.until(
      () => (predicate(this) ? true : undefined),
      timeoutMs,
      () => this.#describe(what),
    );
  }

  // --- called by the REST routes ---------------------------------------------------------

  callbackAllowed(type: number): boolean {
    return ALLOWED_CALLBACKS[this.kind].includes(type);
  }

  recordCallback(type: number, data: JsonObject | undefined): void {
    this.responses.push({ kind: 'callback', callback: { type, data, at: Date.now() } });
    this.signal.notify();
  }

  recordEdit(message: FakeMessage): void {
    this.responses.push({ kind: 'edit', message, at: Date.now() });
    this.signal.notify();
  }

  recordFollowUp(message: FakeMessage): void {
    this.responses.push({ kind: 'followUp', message, at: Date.now() });
    this.signal.notify();
  }

  recordDelete(messageId: string): void {
    this.responses.push({ kind: 'delete', messageId, at: Date.now() });
    this.signal.notify();
  }

  #describe(what: string): string {
    const done = this.responses.map((r) =>
      r.kind === 'callback' ? `callback type ${r.callback.type}` : r.kind,
    );
    return `${what} to ${this.kind} interaction ${this.id} (bot did so far: ${done.length ? done.join(', ') : 'nothing'})`;
  }
}

export type OptionValue = string | number | boolean;

/** An option given explicitly; `type` is looked up in the registered command when omitted. */
export interface CommandOptionInput {
  name: string;
  value: OptionValue;
  type?: number;
}

export type OptionsInput = Readonly<Record<string, OptionValue>> | readonly CommandOptionInput[];

/** Resolves ids in user/channel/role options into the `resolved` map of the interaction. */
export interface OptionResolver {
  user(id: string): { user: JsonObject; member?: JsonObject } | undefined;
  channel(id: string): JsonObject | undefined;
  role(id: string): JsonObject | undefined;
}

const SUBCOMMAND = 1;
const SUBCOMMAND_GROUP = 2;

/**
 * Builds `data` of an application-command interaction the way Discord does: subcommand
 * (group) nesting, option types from the registered definition (or inferred from the JS value),
 * `resolved` entries for user/channel/role options, and `focused` for autocomplete.
 */
export function buildCommandData(input: {
  commandId: string;
  name: string;
  guildId: string;
  definition: JsonObject | undefined;
  subcommandGroup?: string;
  subcommand?: string;
  options?: OptionsInput;
  focused?: string;
  resolver: OptionResolver;
}): JsonObject {
  let definitions = optionList(input.definition?.options);
  const path: { type: number; name: string }[] = [];
  if (input.subcommandGroup) {
    path.push({ type: SUBCOMMAND_GROUP, name: input.subcommandGroup });
    definitions = optionList(definitions.find((d) => d.name === input.subcommandGroup)?.options);
  }
  if (input.subcommand) {
    path.push({ type: SUBCOMMAND, name: input.subcommand });
    definitions = optionList(definitions.find((d) => d.name === input.subcommand)?.options);
  }

  const given = givenOptions(input.options);

  const resolved: Record<string, Record<string, JsonObject>> = {};
  const addResolved = (kind: string, id: string, value: JsonObject | undefined) => {
    if (!value) return;
    resolved[kind] ??= {};
    resolved[kind][id] = value;
  };

  let leaf: JsonObject[] = given.map((option) => {
    const definition = definitions.find((d) => d.name === option.name);
    const type =
      option.type ??
      (typeof definition?.type === 'number'
        ? definition.type
        : inferType(option.value, option.name === input.focused));
    const id = String(option.value);
    if (type === 6) {
      const user = input.resolver.user(id);
      addResolved('users', id, user?.user);
      addResolved('members', id, user?.member);
    } else if (type === 7) addResolved('channels', id, input.resolver.channel(id));
    else if (type === 8) addResolved('roles', id, input.resolver.role(id));
    const out: JsonObject = { name: option.name, type, value: option.value };
    if (option.name === input.focused) out.focused = true;
    return out;
  });
  for (const level of [...path].reverse()) leaf = [{ type: level.type, name: level.name, options: leaf }];

  const data: JsonObject = {
    id: input.commandId,
    name: input.name,
    type: 1,
    guild_id: input.guildId,
    options: leaf,
  };
  if (Object.keys(resolved).length > 0) data.resolved = resolved;
  return data;
}

/** The options a test gave, as a list (`{ user: 'alice' }` or explicit `[{ name, value }]`). */
export function givenOptions(options: OptionsInput | undefined): CommandOptionInput[] {
  return Array.isArray(options)
    ? [...(options as readonly CommandOptionInput[])]
    : Object.entries(options ?? {}).map(([name, value]) => ({ name, value }));
}

function optionList(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function inferType(value: OptionValue, focused: boolean): number {
  if (focused || typeof value === 'string') return 3;
  if (typeof value === 'boolean') return 5;
  return Number.isInteger(value) ? 4 : 10;
}
