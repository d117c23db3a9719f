import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { commandInputProblems, mayUseCommand } from './command-input.js';
import { type Fault, FaultList, faultAnswer } from './faults.js';
import { FakeGateway, type IdentifyRecord } from './gateway.js';
import {
  ApiError,
  isRecord,
  type JsonObject,
  missingAccess,
  missingPermissions,
  parseBody,
  readRaw,
  type UploadedFile,
  unauthorized,
  unknownChannel,
  unknownGuild,
  unknownInteraction,
  unknownMember,
  unknownMessage,
  unknownWebhook,
} from './http.js';
import {
  buildCommandData,
  givenOptions,
  INTERACTION_TYPE,
  InteractionHandle,
  type InteractionKind,
  type OptionsInput,
} from './interactions.js';
import { deriveMentions } from './mentions.js';
import { type FakeComponent, type FakeMessage, MessageFlag, MessageStore } from './messages.js';
import { Permission } from './permissions.js';
import {
  INVALID_REQUEST_WINDOW_MS,
  INVALID_STATUSES,
  majorParameter,
  type RateLimitOptions,
  RouteBuckets,
} from './rate-limits.js';
import { SnowflakeGenerator } from './snowflake.js';
import {
  type ChannelInput,
  type FakeChannel,
  type FakeGuild,
  type FakeMember,
  type FakeRole,
  FakeState,
  type FakeUser,
  type GuildInput,
  type MemberInput,
  type OverwriteInput,
  type RoleInput,
  userPayload,
} from './state.js';
import {
  describeIssues,
  isEmptyMessage,
  toDiscordErrors,
  type ValidationIssue,
  validateCommand,
  validateCommandList,
  validateInteractionCallback,
  validateMessageCreate,
  validateWebhookEdit,
  validateWebhookExecute,
} from './validate.js';
import { ChangeSignal } from './waiting.js';

export interface FakeDiscordOptions {
  /** The bot token the fake accepts (REST `Authorization: Bot <token>` and gateway IDENTIFY). */
  token: string;
  applicationId?: string;
  botUserId?: string;
  botUsername?: string;
  /** HELLO's heartbeat interval (default 1000 ms: short, so heartbeats run during tests). */
  heartbeatIntervalMs?: number;
  /** Interactions acknowledged later than this get 10062, like Discord's 3 s (default 3000). */
  ackTimeoutMs?: number;
  /** Whether privileged intents are enabled for the app (default false: IDENTIFY with one -> 4014). */
  privilegedIntents?: boolean;
  /** `GET /gateway/bot`'s recommended shard count (default 1). */
  shards?: number;
  /** `session_start_limit.max_concurrency`: shards that may identify at once (default 1). */
  maxConcurrency?: number;
  /**
   * The fake's clock (epoch ms) for what Discord times in minutes: nonce memory, interaction token
   * lifetime, message timestamps. Default real time; tests pass a virtual clock to jump ahead.
   */
  now?: () => number;
  /** How long an enforced nonce is remembered per channel (default 2 minutes, "a few minutes"). */
  nonceWindowMs?: number;
  /** How long an interaction token accepts follow-ups and edits (default 15 minutes). */
  tokenLifetimeMs?: number;
  /** Per-route bucket size (default 50 per second); every answer carries `X-RateLimit-*` headers. */
  rateLimit?: RateLimitOptions;
}

export const DEFAULT_NONCE_WINDOW_MS = 2 * 60_000;
export const DEFAULT_TOKEN_LIFETIME_MS = 15 * 60_000;

/** One HTTP request the bot made (the Authorization header is left out). */
export interface RecordedRequest {
  method: string;
  /** Path after `/api/v10`, e.g. `/channels/123/messages` (`@original` decoded). */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** JSON body, or the parsed `payload_json` of a multipart body. */
  body: unknown;
  files: UploadedFile[];
  time: number;
  /** The status the fake answered with (set once answered). */
  status?: number;
  /** True when an injected fault answered it. */
  faulted?: boolean;
}

/** Something the bot sent that Discord would refuse (or a protocol mistake such as a double ack). */
export interface Violation {
  method: string;
  path: string;
  status: number;
  code: number;
  /** Human-readable reasons, e.g. `embeds: Embed size exceeds maximum size of 6000 (got 6100).` */
  issues: string[];
  body: unknown;
  time: number;
}

export interface SlashCommandInput {
  guildId: string;
  channelId: string;
  userId: string;
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  /** `{ user: 'alice', count: 3 }`, or explicit `[{ name, value, type }]`. */
  options?: OptionsInput;
  locale?: string;
}

export interface AutocompleteInput extends SlashCommandInput {
  /** The option being typed in; its value is the partial text. */
  focused: string;
}

export interface ButtonClickInput {
  guildId: string;
  channelId: string;
  userId: string;
  customId: string;
  /** The message the button is on (a reply or a channel post the fake holds). */
  messageId: string;
  /** 2 = button (default); 3 = string select, with `values`. */
  componentType?: number;
  values?: readonly string[];
  locale?: string;
}

type Handler = (ctx: RouteContext) => Promise<Answer> | Answer;

interface Route {
  method: string;
  pattern: RegExp;
  /** Interaction callbacks and webhook routes take no bot token. */
  auth: boolean;
  /** The route's template (for rate-limit bucket headers). */
  template: string;
  handler: Handler;
}

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
  record: RecordedRequest;
}

interface Answer {
  status: number;
  body?: unknown;
}

const API_PREFIX = '/api/v10';
const json = (body: unknown, status = 200): Answer => ({ status, body });
const noContent = (): Answer => ({ status: 204 });

/**
 * A fake Discord on 127.0.0.1 that the real discord.js Client logs into: REST under
 * `/api/v10` and a JSON WebSocket gateway. It validates every body the bot sends against
 * Discord's published schemas plus the limits they miss, tracks interactions, stores messages,
 * and can inject failures. Start with `startFakeDiscord`; always `close()` it.
 */
export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  /** Bugs in the fake itself (answered 500): a test can `expect(fake.errors).toEqual([])`. */
  readonly errors: unknown[] = [];
  readonly faults = new FaultList();
  /** Registered commands: global ones under `global`, guild ones by guild id. */
  readonly commands: { global: JsonObject[]; guilds: Map<string, JsonObject[]> } = {
    global: [],
    guilds: new Map(),
  };

  /** What `GET /gateway/bot` recommends; may be changed before the client logs in. */
  gatewayShards: number;
  gatewayMaxConcurrency: number;

  readonly #ids = new SnowflakeGenerator();
  readonly #signal = new ChangeSignal();
  readonly #state: FakeState;
  readonly #messages: MessageStore;
  readonly #gateway: FakeGateway;
  readonly #interactions = new Map<string, InteractionHandle>();
  readonly #routes: Route[];
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();
  readonly #ackTimeoutMs: number;
  readonly #now: () => number;
  readonly #nonceWindowMs: number;
  readonly #tokenLifetimeMs: number;
  readonly #buckets: RouteBuckets;
  /** Fake-clock times of answers with 401/403/429 (Discord's invalid requests). */
  readonly #invalid: number[] = [];
  #port = 0;
  #closed = false;

  constructor(options: FakeDiscordOptions) {
    this.token = options.token;
    this.applicationId = options.applicationId ?? this.#ids.next();
    this.botUser = {
      id: options.botUserId ?? this.applicationId,
      username: options.botUsername ?? 'cheevobot',
      bot: true,
    };
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.gatewayShards = options.shards ?? 1;
    this.gatewayMaxConcurrency = options.maxConcurrency ?? 1;
    this.#now = options.now ?? Date.now;
    this.#nonceWindowMs = options.nonceWindowMs ?? DEFAULT_NONCE_WINDOW_MS;
    this.#tokenLifetimeMs = options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS;
    this.#buckets = new RouteBuckets(options.rateLimit ?? { limit: 50, windowMs: 1000 });
    this.#state = new FakeState(this.#ids, this.botUser, (event, data) =>
      this.#gateway.dispatch(event, data),
    );
    this.#messages = new MessageStore(this.#ids, this.#now, (channelId, content, allowed) =>
      this.#mentionsIn(channelId, content, allowed),
    );
    this.#gateway = new FakeGateway(
      {
        token: options.token,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
        privilegedIntents: options.privilegedIntents ?? false,
        url: () => this.gatewayUrl,
        readyData: () => ({
          user: userPayload(this.botUser),
          application: { id: this.applicationId, flags: 0 },
          guilds: [...this.#state.guilds.values()].map((g) => this.#state.guildCreatePayload(g)),
        }),
        onIdentified: () => this.#signal.notify(),
      },
      this.#ids,
    );
    this.#routes = this.#buildRoutes();
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.errors.push(error);
        this.#send(res, 500, { message: `Fake Discord failed: ${String(error)}`, code: 0 });
      });
    });
    this.#server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://fake').pathname === '/gateway')
        this.#gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  /** Starts listening on a random loopback port. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  /** The REST base to give the client: `rest: { api: fake.apiUrl }`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}/gateway`;
  }

  /** IDENTIFY payloads received (intents, shard) in order. */
  get identifies(): readonly IdentifyRecord[] {
    return this.#gateway.identifies;
  }

  /** Close codes the gateway sent (4004 bad token, 4014 disallowed intents, ...). */
  get gatewayCloseCodes(): readonly number[] {
    return this.#gateway.closeCodes;
  }

  /**
   * Invalid requests (answered 401, 403 or 429, injected faults included) in the last 10 minutes
   * of the fake's clock: Discord bans a bot's IP at 10,000.
   */
  get invalidRequests(): number {
    const since = this.#now() - INVALID_REQUEST_WINDOW_MS;
    while (this.#invalid.length > 0 && (this.#invalid[0] ?? 0) <= since) this.#invalid.shift();
    return this.#invalid.length;
  }

  /** Non-fatal findings (e.g. `attachment://x.png` with no such upload). */
  get warnings(): readonly string[] {
    return this.#messages.warnings;
  }

  // --- state ---------------------------------------------------------------------------

  addGuild(input: GuildInput): FakeGuild {
    return this.#state.addGuild(input);
  }

  removeGuild(guildId: string): void {
    this.#state.removeGuild(guildId);
  }

  addChannel(guildId: string, input: ChannelInput): FakeChannel {
    return this.#state.addChannel(guildId, input);
  }

  removeChannel(channelId: string): void {
    this.#state.removeChannel(channelId);
  }

  setChannelOverwrites(channelId: string, overwrites: readonly OverwriteInput[]): void {
    this.#state.setChannelOverwrites(channelId, overwrites);
  }

  addRole(guildId: string, input: RoleInput): FakeRole {
    return this.#state.addRole(guildId, input);
  }

  setRolePermissions(guildId: string, roleId: string, permissions: bigint | string): void {
    this.#state.setRolePermissions(guildId, roleId, permissions);
  }

  /** Sets the permissions of the bot's managed role in a guild. */
  setBotPermissions(guildId: string, permissions: bigint | string): void {
    this.#state.setRolePermissions(guildId, this.#state.guild(guildId).botRoleId, permissions);
  }

  addMember(guildId: string, input: MemberInput): FakeMember {
    return this.#state.addMember(guildId, input);
  }

  guild(guildId: string): FakeGuild {
    return this.#state.guild(guildId);
  }

  /** A member's effective permissions (in a channel, with overwrites, when given). */
  permissionsOf(guildId: string, userId: string, channelId?: string): bigint {
    return this.#state.permissions(guildId, userId, channelId);
  }

  // --- gateway -------------------------------------------------------------------------

  /** Sends any gateway dispatch to the connected client. */
  dispatch(event: string, data: JsonObject): void {
    this.#gateway.dispatch(event, data);
  }

  /** Drops the gateway connection(s) with `code` (4000: the client resumes). */
  disconnectGateway(code?: number): void {
    this.#gateway.disconnectAll(code);
  }

  /** Resolves once a client has identified (or resumed) and is connected. */
  waitForGateway(timeoutMs = 5000): Promise<void> {
    return this.#signal
      .until(
        () => (this.#gateway.connected ? true : undefined),
        timeoutMs,
        () => 'a gateway session',
      )
      .then(() => undefined);
  }

  // --- messages ------------------------------------------------------------------------

  /** Messages the bot posted to a channel with POST /channels/{id}/messages, oldest first. */
  channelMessages(channelId: string): FakeMessage[] {
    return this.#messages.channelPosts(channelId);
  }

  waitForMessages(channelId: string, count: number, timeoutMs = 2000): Promise<FakeMessage[]> {
    return this.#signal.until(
      () => {
        const messages = this.channelMessages(channelId);
        return messages.length >= count ? messages : undefined;
      },
      timeoutMs,
      () => `${count} message(s) in channel ${channelId} (have ${this.channelMessages(channelId).length})`,
    );
  }

  /**
   * Puts a message in a channel as if the bot had sent it long ago (e.g. an older version's
   * buttons, which a user can still press). Not listed by `channelMessages`.
   */
  addOldBotMessage(channelId: string, body: JsonObject): FakeMessage {
    const channel = this.#state.channel(channelId);
    return this.#messages.create(
      { channelId: channel.id, author: userPayload(this.botUser) },
      body,
      [],
      false,
    );
  }

  /** Any message the fake holds (channel posts, replies, follow-ups), by id. */
  message(messageId: string): FakeMessage | undefined {
    return this.#messages.get(messageId);
  }

  /** Resolves once `predicate()` holds: re-checked on every change of the fake and every 10 ms. */
  async waitUntil(predicate: () => boolean, timeoutMs = 2000, what = 'a condition'): Promise<void> {
    await this.#signal.until(
      () => (predicate() ? true : undefined),
      timeoutMs,
      () => what,
      10,
    );
  }

  // --- interactions --------------------------------------------------------------------

  /** Dispatches a chat-input command as `userId` and returns a handle on the bot's answer. */
  sendSlashCommand(input: SlashCommandInput): InteractionHandle {
    return this.#sendCommandInteraction('command', input, undefined);
  }

  /** Dispatches an autocomplete request for the `focused` option. */
  sendAutocomplete(input: AutocompleteInput): InteractionHandle {
    return this.#sendCommandInteraction('autocomplete', input, input.focused);
  }

  /**
   * Dispatches a button click (or select) on a message the fake holds. Like Discord's client, only
   * a component that is on the message and enabled can be pressed (else this throws).
   */
  clickButton(input: ButtonClickInput): InteractionHandle {
    const message = this.#messages.get(input.messageId);
    if (!message) throw new Error(`Fake Discord: no message ${input.messageId} to click on`);
    const component = findComponent(message.components, input.customId);
    if (!component) {
      throw new Error(
        `Fake Discord: message ${message.id} has no component with custom_id "${input.customId}"`,
      );
    }
    if (component.disabled === true) {
      throw new Error(
        `Fake Discord: the component "${input.customId}" is disabled; Discord does not let a user press it`,
      );
    }
    const componentType = input.componentType ?? 2;
    const data: JsonObject = { custom_id: input.customId, component_type: componentType };
    if (input.values) data.values = [...input.values];
    return this.#dispatchInteraction('component', input, data, message);
  }

  /** The handle of an interaction by id (undefined for unknown ids). */
  interaction(id: string): InteractionHandle | undefined {
    return this.#interactions.get(id);
  }

  #sendCommandInteraction(kind: InteractionKind, input: SlashCommandInput, focused: string | undefined) {
    const definition = this.#commandAUserCanSend(input, focused);
    const commandId = String(definition.id);
    const data = buildCommandData({
      commandId,
      name: input.name,
      guildId: input.guildId,
      definition,
      subcommandGroup: input.subcommandGroup,
      subcommand: input.subcommand,
      options: input.options,
      focused,
      resolver: {
        user: (id) => {
          const user = this.#state.users.get(id);
          if (!user) return undefined;
          const member = this.#state.guild(input.guildId).members.get(id);
          if (!member) return { user: userPayload(user) };
          const { user: _omit, ...memberWithoutUser } = this.#state.memberPayload(input.guildId, id);
          return {
            user: userPayload(user),
            member: {
              ...memberWithoutUser,
              permissions: this.#state.permissions(input.guildId, id).toString(),
            },
          };
        },
        channel: (id) => {
          const channel = this.#state.findChannel(id);
          if (!channel) return undefined;
          const permissions = this.#state.permissions(input.guildId, input.userId, id);
          return { ...this.#state.channelPayload(channel), permissions: permissions.toString() };
        },
        role: (id) => {
          const role = this.#state.guild(input.guildId).roles.get(id);
          return role
            ? { id: role.id, name: role.name, permissions: role.permissions.toString() }
            : undefined;
        },
      },
    });
    return this.#dispatchInteraction(kind, input, data, undefined);
  }

  #dispatchInteraction(
    kind: InteractionKind,
    input: { guildId: string; channelId: string; userId: string; locale?: string },
    data: JsonObject,
    message: FakeMessage | undefined,
  ): InteractionHandle {
    if (!this.#gateway.connected) {
      throw new Error('Fake Discord: no client is connected to the gateway (await loginAndWaitReady first)');
    }
    const channel = this.#state.channel(input.channelId);
    if (channel.guildId !== input.guildId) {
      throw new Error(`Fake Discord: channel ${input.channelId} is not in guild ${input.guildId}`);
    }
    const id = this.#ids.next();
    const token = `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
    const handle = new InteractionHandle(
      id,
      token,
      kind,
      input.guildId,
      channel.id,
      input.userId,
      typeof data.name === 'string' ? data.name : undefined,
      message?.id,
      this.#messages,
      this.#signal,
    );
    handle.issuedAt = this.#now();
    this.#interactions.set(id, handle);

    const guildLocale = this.#state.guild(input.guildId).preferredLocale;
    const memberPermissions = this.#state.permissions(input.guildId, input.userId, channel.id);
    const appPermissions = this.#state.permissions(input.guildId, this.botUser.id, channel.id);
    const payload: JsonObject = {
      id,
      application_id: this.applicationId,
      type: INTERACTION_TYPE[kind],
      token,
      version: 1,
      guild_id: input.guildId,
      guild: { id: input.guildId, locale: guildLocale, features: [] },
      guild_locale: guildLocale,
      channel: { ...this.#state.channelPayload(channel), permissions: memberPermissions.toString() },
      channel_id: channel.id,
      member: {
        ...this.#state.memberPayload(input.guildId, input.userId),
        permissions: memberPermissions.toString(),
      },
      app_permissions: appPermissions.toString(),
      locale: input.locale ?? 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': input.guildId },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
      data,
    };
    if (message) payload.message = message;
    this.#gateway.dispatch('INTERACTION_CREATE', payload);
    return handle;
  }

  /**
   * The registered command a member could send with these options, as Discord's client allows it:
   * registered (guild or global), visible to the member (`default_member_permissions`), and the
   * input valid for its definition. Anything else throws: no user could send it.
   */
  #commandAUserCanSend(input: SlashCommandInput, focused: string | undefined): JsonObject {
    const definition = this.#findCommand(input.guildId, input.name);
    if (!definition) {
      throw new Error(
        `Fake Discord: /${input.name} is not registered (for guild ${input.guildId} or globally)`,
      );
    }
    const guild = this.#state.guild(input.guildId);
    if (!mayUseCommand(definition, this.#state.permissions(input.guildId, input.userId))) {
      throw new Error(
        `Fake Discord: /${input.name} needs permissions ${String(definition.default_member_permissions)}; Discord hides it from user ${input.userId}`,
      );
    }
    const problems = commandInputProblems({
      definition,
      ...(input.subcommandGroup ? { subcommandGroup: input.subcommandGroup } : {}),
      ...(input.subcommand ? { subcommand: input.subcommand } : {}),
      options: givenOptions(input.options),
      ...(focused !== undefined ? { focused } : {}),
      channelType: (id) => guild.channels.get(id)?.type,
      roleExists: (id) => guild.roles.has(id),
      userExists: (id) => this.#state.users.has(id),
    });
    if (problems.length > 0) {
      throw new Error(
        `Fake Discord: Discord would not send this ${focused ? 'autocomplete' : 'command'}: ${problems.join('; ')}`,
      );
    }
    return definition;
  }

  #findCommand(guildId: string, name: string): JsonObject | undefined {
    const byName = (c: JsonObject) => c.name === name && (c.type === undefined || c.type === 1);
    return this.commands.guilds.get(guildId)?.find(byName) ?? this.commands.global.find(byName);
  }

  // --- lifecycle -----------------------------------------------------------------------

  /** Closes the gateway and HTTP server at once, ending any hanging request. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    await this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // --- HTTP ----------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readRaw(req);
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) {
      this.#send(res, 404, { message: '404: Not Found', code: 0 });
      return;
    }
    const path = decodeURIComponent(url.pathname.slice(API_PREFIX.length));
    const parsed = await parseBody(raw, req.headers['content-type']);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (key !== 'authorization' && value !== undefined)
        headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: parsed.json,
      files: parsed.files,
      time: Date.now(),
    };
    this.requests.push(record);

    const found = this.#match(method, path);
    const fault = this.faults.take(method, path);
    const loseAnswer = fault?.spec.loseAnswer === true;
    if (fault && !loseAnswer && (await this.#applyFault(fault, res, record, found?.route.template ?? path)))
      return;

    const bucket = found ? this.#buckets.take(found.route.template, majorParameter(found.params)) : undefined;
    let answer: Answer;
    try {
      if (bucket && !bucket.allowed) {
        this.#violation(record, 429, 0, [
          `rate limited: more than ${bucket.headers['x-ratelimit-limit']} requests in the bucket's window (the headers said so)`,
        ]);
        answer = json(
          { message: 'You are being rate limited.', retry_after: bucket.retryAfterS, global: false },
          429,
        );
        this.#finish(res, record, answer, {
          ...bucket.headers,
          'retry-after': String(Math.ceil(bucket.retryAfterS)),
          'x-ratelimit-scope': 'user',
        });
        return;
      }
      if (parsed.parseError)
        throw new ApiError(400, 50109, `The request body contains invalid JSON (${parsed.parseError}).`);
      if (!found) throw new ApiError(404, 0, '404: Not Found');
      if (found.route.auth && req.headers.authorization !== `Bot ${this.token}`) throw unauthorized();
      answer = await found.route.handler({
        params: found.params,
        query: url.searchParams,
        body: parsed.json,
        files: parsed.files,
        record,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      answer = json(error.toBody(), error.status);
    }
    if (loseAnswer) {
      record.status = answer.status;
      record.faulted = true;
      this.#hang(res);
      this.#signal.notify();
    } else this.#finish(res, record, answer, bucket?.headers);
  }

  #finish(
    res: ServerResponse,
    record: RecordedRequest,
    answer: Answer,
    headers: Record<string, string> = {},
  ): void {
    record.status = answer.status;
    if (INVALID_STATUSES.has(answer.status)) this.#invalid.push(this.#now());
    this.#send(res, answer.status, answer.body, headers);
    this.#signal.notify();
  }

  #hang(res: ServerResponse): void {
    this.#hanging.add(res);
    res.on('close', () => this.#hanging.delete(res));
  }

  /** Returns true when the fault answered the request (false: only delayed it). */
  async #applyFault(
    fault: Fault,
    res: ServerResponse,
    record: RecordedRequest,
    template: string,
  ): Promise<boolean> {
    record.faulted = true;
    if (fault.spec.hang) {
      this.#hang(res);
      return true;
    }
    if (fault.spec.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.spec.delayMs));
    if (fault.spec.status === undefined) return false;
    const answer = faultAnswer(fault.spec, `fake-${record.method}-${template}`);
    this.#finish(res, record, answer, answer.headers);
    return true;
  }

  #send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    if (body === undefined) {
      res.writeHead(status, headers).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  #match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (match) return { route, params: { ...match.groups } };
    }
    return undefined;
  }

  /** Refuses an invalid body like Discord (400 50035 with `errors`) and records the violation. */
  #check(record: RecordedRequest, issues: ValidationIssue[]): void {
    if (issues.length === 0) return;
    this.#violation(record, 400, 50035, describeIssues(issues));
    throw new ApiError(400, 50035, 'Invalid Form Body', toDiscordErrors(issues));
  }

  #violation(record: RecordedRequest, status: number, code: number, issues: string[]): void {
    this.violations.push({
      method: record.method,
      path: record.path,
      status,
      code,
      issues,
      body: record.body,
      time: Date.now(),
    });
  }

  #refuseEmpty(record: RecordedRequest, body: unknown, files: readonly UploadedFile[]): void {
    if (!isEmptyMessage(body, files.length)) return;
    this.#violation(record, 400, 50006, ['Cannot send an empty message']);
    throw new ApiError(400, 50006, 'Cannot send an empty message');
  }

  // --- routes --------------------------------------------------------------------------

  #buildRoutes(): Route[] {
    const routes: Route[] = [];
    const add = (method: string, template: string, handler: Handler, auth = true) => {
      const source = template.replace(/\{(\w+)\}/g, (_, name: string) => `(?<${name}>[^/]+)`);
      routes.push({ method, pattern: new RegExp(`^${source}$`), auth, template, handler });
    };
    const sessionStartLimit = () => ({
      total: 1000,
      remaining: 999,
      reset_after: 14_400_000,
      max_concurrency: this.gatewayMaxConcurrency,
    });

    add('GET', '/gateway', () => json({ url: this.gatewayUrl }), false);
    add('GET', '/gateway/bot', () =>
      json({ url: this.gatewayUrl, shards: this.gatewayShards, session_start_limit: sessionStartLimit() }),
    );
    add('GET', '/users/@me', () => json(userPayload(this.botUser)));
    add('GET', '/users/{user}', ({ params }) => {
      const user = this.#state.users.get(params.user ?? '');
      if (!user) throw new ApiError(404, 10013, 'Unknown User');
      return json(userPayload(user));
    });
    add('GET', '/applications/@me', () => json(this.#applicationPayload()));
    add('GET', '/oauth2/applications/@me', () => json(this.#applicationPayload()));

    for (const scope of ['', '/guilds/{guild}']) {
      const base = `/applications/{app}${scope}/commands`;
      add('GET', base, ({ params }) => json(this.#commandList(params)));
      add('PUT', base, ({ params, body, record }) => {
        const list = this.#commandList(params);
        this.#check(record, validateCommandList(body));
        const next = (body as JsonObject[]).map((command) => this.#storeCommand(params, command, list));
        list.splice(0, list.length, ...next);
        return json(next);
      });
      add('POST', base, ({ params, body, record }) => {
        const list = this.#commandList(params);
        this.#check(record, validateCommand(body));
        const stored = this.#storeCommand(params, body as JsonObject, list);
        const index = list.findIndex((c) => c.id === stored.id);
        if (index >= 0) list[index] = stored;
        else list.push(stored);
        return json(stored, index >= 0 ? 200 : 201);
      });
      add('GET', `${base}/{command}`, ({ params }) => json(this.#command(params)));
      add('DELETE', `${base}/{command}`, ({ params }) => {
        const list = this.#commandList(params);
        list.splice(list.indexOf(this.#command(params)), 1);
        return noContent();
      });
    }

    add('GET', '/channels/{channel}', ({ params }) =>
      json(this.#state.channelPayload(this.#visibleChannel(params))),
    );
    add('POST', '/channels/{channel}/messages', ({ params, body, files, record }) =>
      this.#createChannelMessage(params, body, files, record),
    );
    add('GET', '/channels/{channel}/messages/{message}', ({ params }) => {
      const channel = this.#visibleChannel(params);
      const message = this.#messages.get(params.message ?? '');
      if (!message || message.channel_id !== channel.id) throw unknownMessage();
      return json(message);
    });
    add('DELETE', '/channels/{channel}/messages/{message}', ({ params }) => {
      const channel = this.#visibleChannel(params);
      const message = this.#messages.get(params.message ?? '');
      if (!message || message.channel_id !== channel.id) throw unknownMessage();
      this.#messages.delete(message.id);
      return noContent();
    });

    add('GET', '/guilds/{guild}', ({ params }) => {
      const guild = this.#knownGuild(params);
      return json({ ...this.#state.guildPayload(guild) });
    });
    add('GET', '/guilds/{guild}/channels', ({ params }) =>
      json([...this.#knownGuild(params).channels.values()].map((c) => this.#state.channelPayload(c))),
    );
    add('GET', '/guilds/{guild}/roles', ({ params }) =>
      json(this.#state.guildPayload(this.#knownGuild(params)).roles),
    );
    add('GET', '/guilds/{guild}/members/{user}', ({ params }) => {
      const guild = this.#knownGuild(params);
      if (!guild.members.has(params.user ?? '')) throw unknownMember();
      return json(this.#state.memberPayload(guild.id, params.user ?? ''));
    });

    add(
      'POST',
      '/interactions/{interaction}/{token}/callback',
      ({ params, body, files, record, query }) =>
        this.#interactionCallback(params, body, files, record, query),
      false,
    );
    add('POST', '/webhooks/{app}/{token}', (ctx) => this.#followUp(ctx), false);
    add(
      'GET',
      '/webhooks/{app}/{token}/messages/{message}',
      ({ params, record }) => {
        const { message } = this.#webhookMessage(params, record);
        return json(message);
      },
      false,
    );
    add('PATCH', '/webhooks/{app}/{token}/messages/{message}', (ctx) => this.#editWebhookMessage(ctx), false);
    add(
      'DELETE',
      '/webhooks/{app}/{token}/messages/{message}',
      ({ params, record }) => {
        const { handle, message } = this.#webhookMessage(params, record);
        this.#messages.delete(message.id);
        handle.recordDelete(message.id);
        return noContent();
      },
      false,
    );
    return routes;
  }

  #applicationPayload(): JsonObject {
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: '',
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: 'f'.repeat(64),
      flags: 0,
      team: null,
      owner: {
        id: this.#ids.next(),
        username: 'owner',
        discriminator: '0',
        avatar: null,
        global_name: 'owner',
      },
      bot: userPayload(this.botUser),
      approximate_guild_count: this.#state.guilds.size,
      install_params: { scopes: ['bot', 'applications.commands'], permissions: '52224' },
    };
  }

  // --- commands ------------------------------------------------------------------------

  #commandList(params: Record<string, string>): JsonObject[] {
    if (params.app !== this.applicationId) throw missingAccess();
    if (params.guild === undefined) return this.commands.global;
    this.#knownGuild(params);
    let list = this.commands.guilds.get(params.guild);
    if (!list) {
      list = [];
      this.commands.guilds.set(params.guild, list);
    }
    return list;
  }

  #command(params: Record<string, string>): JsonObject {
    const command = this.#commandList(params).find((c) => c.id === params.command);
    if (!command) throw new ApiError(404, 10063, 'Unknown application command');
    return command;
  }

  /** Stores a command as Discord returns it; a command keeps its id across overwrites (same name and type). */
  #storeCommand(
    params: Record<string, string>,
    command: JsonObject,
    existing: readonly JsonObject[],
  ): JsonObject {
    const type = typeof command.type === 'number' ? command.type : 1;
    const previous = existing.find((c) => c.name === command.name && c.type === type);
    const permissions = command.default_member_permissions;
    const stored: JsonObject = {
      description: '',
      options: [],
      contexts: null,
      integration_types: [0],
      nsfw: false,
      ...command,
      id: typeof previous?.id === 'string' ? previous.id : this.#ids.next(),
      application_id: this.applicationId,
      type,
      version: this.#ids.next(),
      default_member_permissions:
        permissions === undefined || permissions === null ? null : String(permissions),
      dm_permission: command.dm_permission ?? true,
    };
    if (params.guild !== undefined) stored.guild_id = params.guild;
    return stored;
  }

  // --- channels and guilds -------------------------------------------------------------

  #knownGuild(params: Record<string, string>): FakeGuild {
    const guild = this.#state.guilds.get(params.guild ?? '');
    if (!guild) throw unknownGuild();
    return guild;
  }

  /** The channel if it exists and the bot can see it (404 10003 / 403 50001 otherwise). */
  #visibleChannel(params: Record<string, string>): FakeChannel {
    const channel = this.#state.findChannel(params.channel ?? '');
    if (!channel) throw unknownChannel();
    const permissions = this.#state.permissions(channel.guildId, this.botUser.id, channel.id);
    if ((permissions & Permission.ViewChannel) === 0n) throw missingAccess();
    return channel;
  }

  #createChannelMessage(
    params: Record<string, string>,
    body: unknown,
    files: UploadedFile[],
    record: RecordedRequest,
  ): Answer {
    this.#check(record, validateMessageCreate(body ?? {}));
    this.#refuseEmpty(record, body, files);
    const payload: JsonObject = isRecord(body) ? { ...body } : {};
    const channel = this.#visibleChannel(params);
    const permissions = this.#state.permissions(channel.guildId, this.botUser.id, channel.id);
    if ((permissions & Permission.SendMessages) === 0n) throw missingPermissions();
    if (files.length > 0 && (permissions & Permission.AttachFiles) === 0n) throw missingPermissions();
    if ((permissions & Permission.EmbedLinks) === 0n && Array.isArray(payload.embeds)) {
      // Like Discord: without Embed Links an embed-only message is refused; with anything else
      // to show, it posts with its embeds silently dropped.
      delete payload.embeds;
      if (isEmptyMessage(payload, files.length)) throw missingPermissions();
    }

    const nonce = payload.nonce;
    if (payload.enforce_nonce === true && (typeof nonce === 'string' || typeof nonce === 'number')) {
      const earlier = this.#messages.byNonce(channel.id, nonce, this.#nonceWindowMs);
      if (earlier) return json(earlier);
    }
    const message = this.#messages.create(
      { channelId: channel.id, author: userPayload(this.botUser) },
      payload,
      files,
      true,
    );
    return json(message);
  }

  #mentionsIn(channelId: string, content: string, allowedMentions: unknown) {
    const channel = this.#state.findChannel(channelId);
    if (!channel) return { mentions: [], mention_roles: [], mention_everyone: false };
    const guild = this.#state.guild(channel.guildId);
    const permissions = this.#state.permissions(guild.id, this.botUser.id, channel.id);
    return deriveMentions(content, allowedMentions, {
      user: (id) => {
        const user = this.#state.users.get(id);
        return user ? userPayload(user) : undefined;
      },
      role: (id) => {
        const role = guild.roles.get(id);
        return role ? { mentionable: role.mentionable ?? false } : undefined;
      },
      mayMentionEveryone: (permissions & Permission.MentionEveryone) !== 0n,
    });
  }

  // --- interaction responses -----------------------------------------------------------

  #interactionCallback(
    params: Record<string, string>,
    body: unknown,
    files: UploadedFile[],
    record: RecordedRequest,
    query: URLSearchParams,
  ): Answer {
    const handle = this.#interactions.get(params.interaction ?? '');
    if (!handle || handle.token !== params.token) {
      this.#violation(record, 404, 10062, ['callback for an unknown interaction (wrong id or token)']);
      throw unknownInteraction();
    }
    if (handle.acknowledged) {
      this.#violation(record, 400, 40060, [`interaction ${handle.id} acknowledged twice`]);
      throw new ApiError(400, 40060, 'Interaction has already been acknowledged.');
    }
    const elapsed = Date.now() - handle.createdAt;
    if (elapsed > this.#ackTimeoutMs) {
      this.#violation(record, 404, 10062, [
        `acknowledged after ${elapsed}ms (limit ${this.#ackTimeoutMs}ms)`,
      ]);
      throw unknownInteraction();
    }
    this.#check(record, validateInteractionCallback(body));
    const { type, data } = body as { type: number; data?: unknown };
    if (!handle.callbackAllowed(type)) {
      this.#check(record, [
        {
          path: ['type'],
          code: 'INTERACTION_CALLBACK_TYPE_INVALID',
          message: `callback type ${type} is not valid for a ${handle.kind} interaction`,
        },
      ]);
    }
    const dataObject = isRecord(data) ? data : undefined;
    if (type === 4) this.#refuseEmpty(record, dataObject, files);

    const flags = typeof dataObject?.flags === 'number' ? dataObject.flags : 0;
    if (type === 4 || type === 5) {
      const message = this.#messages.create(
        this.#interactionOrigin(handle),
        type === 4 ? (dataObject ?? {}) : { flags: (flags & MessageFlag.Ephemeral) | MessageFlag.Loading },
        type === 4 ? files : [],
        false,
      );
      handle.originalMessageId = message.id;
    } else if (type === 6 || type === 7) {
      handle.originalMessageId = handle.sourceMessageId;
      if (type === 7 && handle.sourceMessageId)
        this.#messages.edit(handle.sourceMessageId, dataObject ?? {}, files);
    }
    handle.recordCallback(type, dataObject);

    if (query.get('with_response') !== 'true') return noContent();
    const message = handle.originalMessageId ? this.#messages.get(handle.originalMessageId) : undefined;
    return json({
      interaction: {
        id: handle.id,
        type: INTERACTION_TYPE[handle.kind],
        response_message_id: message?.id,
        response_message_loading: type === 5,
        response_message_ephemeral: (flags & MessageFlag.Ephemeral) !== 0,
      },
      resource: message && type !== 6 ? { type, message } : { type },
    });
  }

  #interactionOrigin(handle: InteractionHandle) {
    return {
      channelId: handle.channelId,
      author: userPayload(this.botUser),
      type: handle.kind === 'command' ? 20 : 0,
      webhookId: this.applicationId,
      applicationId: this.applicationId,
      interactionMetadata: {
        id: handle.id,
        type: INTERACTION_TYPE[handle.kind],
        user: userPayload(this.#state.member(handle.guildId, handle.userId).user),
        authorizing_integration_owners: { '0': handle.guildId },
        ...(handle.commandName ? { name: handle.commandName, command_type: 1 } : {}),
        ...(handle.sourceMessageId ? { interacted_message_id: handle.sourceMessageId } : {}),
      },
    };
  }

  /** The interaction whose token this is; like Discord, a token older than 15 minutes is refused (401 50027). */
  #handleForWebhook(params: Record<string, string>, record: RecordedRequest): InteractionHandle {
    if (params.app !== this.applicationId) throw unknownWebhook();
    for (const handle of this.#interactions.values()) {
      if (handle.token !== params.token) continue;
      const age = this.#now() - handle.issuedAt;
      if (age > this.#tokenLifetimeMs) {
        this.#violation(record, 401, 50027, [
          `interaction token used ${Math.round(age / 1000)} s after the interaction (it lives ${this.#tokenLifetimeMs / 1000} s)`,
        ]);
        throw new ApiError(401, 50027, 'Invalid Webhook Token');
      }
      return handle;
    }
    throw unknownWebhook();
  }

  #webhookMessage(
    params: Record<string, string>,
    record: RecordedRequest,
  ): { handle: InteractionHandle; message: FakeMessage } {
    const handle = this.#handleForWebhook(params, record);
    const id = params.message === '@original' ? handle.originalMessageId : params.message;
    const message = id === undefined ? undefined : this.#messages.get(id);
    const belongs =
      message !== undefined &&
      (message.id === handle.originalMessageId || handle.followUps.some((f) => f.id === message.id));
    if (!message || !belongs) throw unknownMessage();
    return { handle, message };
  }

  #editWebhookMessage({ params, body, files, record }: RouteContext): Answer {
    const { handle, message } = this.#webhookMessage(params, record);
    this.#check(record, validateWebhookEdit(body ?? {}));
    const payload = isRecord(body) ? body : {};
    // The first edit of a deferred reply replaces the "thinking" state.
    const flags =
      (message.flags & MessageFlag.Loading) !== 0 ? message.flags & ~MessageFlag.Loading : undefined;
    const edited = this.#messages.edit(message.id, payload, files, flags);
    if (edited.id === handle.originalMessageId) handle.recordEdit(edited);
    return json(edited);
  }

  #followUp({ params, body, files, record }: RouteContext): Answer {
    const handle = this.#handleForWebhook(params, record);
    if (!handle.acknowledged) {
      this.#violation(record, 404, 10015, ['follow-up before the interaction was acknowledged']);
      throw unknownWebhook();
    }
    this.#check(record, validateWebhookExecute(body ?? {}));
    this.#refuseEmpty(record, body, files);
    const payload = isRecord(body) ? body : {};
    const original = handle.originalMessageId ? this.#messages.get(handle.originalMessageId) : undefined;
    // Like Discord: the first follow-up to a deferred reply fills in the "thinking" message.
    if (original && (original.flags & MessageFlag.Loading) !== 0) {
      const edited = this.#messages.edit(original.id, payload, files, original.flags & ~MessageFlag.Loading);
      handle.recordEdit(edited);
      return json(edited);
    }
    const message = this.#messages.create(this.#interactionOrigin(handle), payload, files, false);
    handle.recordFollowUp(message);
    return json(message);
  }
}

function findComponent(components: readonly FakeComponent[], customId: string): FakeComponent | undefined {
  for (const component of components) {
    if (component.custom_id === customId) return component;
    const inner = findComponent(component.components ?? [], customId);
    if (inner) return inner;
  }
  return undefined;
}

/** Starts a fake Discord on 127.0.0.1 (random port). */
export async function startFakeDiscord(options: FakeDiscordOptions): Promise<FakeDiscord> {
  return new FakeDiscord(options).listen();
}
