import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { isRecord, type JsonObject } from './http.js';
import type { SnowflakeGenerator } from './snowflake.js';

/** Intents that need a switch in the developer portal: Discord closes with 4014 without it. */
const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);

export interface IdentifyRecord {
  intents: number;
  shard: [number, number] | undefined;
  properties: unknown;
  at: number;
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  /** Whether the app has privileged intents enabled in the (fake) developer portal. */
  privilegedIntents: boolean;
  /** ws:// URL of this gateway (for `resume_gateway_url`). */
  url: () => string;
  /** READY's `user`, `application` and guild list; then one GUILD_CREATE per guild. */
  readyData: () => { user: JsonObject; application: JsonObject; guilds: JsonObject[] };
  onIdentified?: () => void;
}

interface Session {
  readonly id: string;
  sequence: number;
  socket: WebSocket | null;
  /** Dispatches sent in this session, replayed on RESUME. */
  readonly sent: JsonObject[];
  /** `[id, count]` from IDENTIFY; undefined: an unsharded connection gets every guild. */
  readonly shard?: [number, number] | undefined;
}

/** Discord's rule: a guild belongs to shard `(guild_id >> 22) % count`. */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/**
 * Whether a sharded session receives a dispatch: guild events (by `guild_id`, or `id` for
 * GUILD_*) go to the guild's shard; events without a guild (DMs) to shard 0.
 */
function receives(shard: [number, number], event: string, data: JsonObject): boolean {
  const guildId =
    typeof data.guild_id === 'string'
      ? data.guild_id
      : event.startsWith('GUILD_') && typeof data.id === 'string'
        ? data.id
        : undefined;
  return guildId === undefined ? shard[0] === 0 : shardOfGuild(guildId, shard[1]) === shard[0];
}

/**
 * The gateway half of the fake: HELLO, heartbeat ACKs, IDENTIFY -> READY + GUILD_CREATEs,
 * RESUME with replay, and dispatches to every live session. Plain JSON frames (no zlib).
 */
export class FakeGateway {
  readonly identifies: IdentifyRecord[] = [];
  /** Close codes the fake sent, e.g. 4004 for a bad token. */
  readonly closeCodes: number[] = [];
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, Session>();
  readonly #sockets = new Set<WebSocket>();

  constructor(
    private readonly options: GatewayOptions,
    private readonly ids: SnowflakeGenerator,
  ) {
    this.#wss.on('connection', (socket) => this.#onConnection(socket));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wss.emit('connection', ws, req));
  }

  /** True once a client has identified and is still connected. */
  get connected(): boolean {
    return [...this.#sessions.values()].some((s) => s.socket !== null);
  }

  /** Sends a dispatch to every session (buffered for resume while a session is disconnected). */
  dispatch(event: string, data: JsonObject): void {
    for (const session of this.#sessions.values()) {
      if (!session.shard || receives(session.shard, event, data)) this.#send(session, event, data);
    }
  }

  /** Drops every connection with `code` (4000 = resumable), to exercise reconnects. */
  disconnectAll(code = 4000, reason = 'Fake Discord disconnect'): void {
    for (const socket of this.#sockets) this.#close(socket, code, reason);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    this.#sockets.clear();
    this.#sessions.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #onConnection(socket: WebSocket): void {
    this.#sockets.add(socket);
    let session: Session | undefined;
    socket.on('close', (code) => {
      this.#sockets.delete(socket);
      if (session?.socket !== socket) return;
      session.socket = null;
      // A normal close ends the session for good; any other code leaves it resumable.
      if (code === 1000 || code === 1001) this.#sessions.delete(session.id);
    });
    socket.on('error', () => socket.terminate());
    socket.on('message', (raw: RawData) => {
      const payload = parseFrame(raw);
      if (!payload) return this.#close(socket, 4002, 'Error while decoding payload.');
      switch (payload.op) {
        case 1:
          this.#raw(socket, { op: 11, d: null, s: null, t: null });
          return;
        case 2:
          if (session) return this.#close(socket, 4005, 'Already authenticated.');
          session = this.#identify(socket, payload.d);
          return;
        case 6:
          if (session) return this.#close(socket, 4005, 'Already authenticated.');
          session = this.#resume(socket, payload.d);
          return;
        default:
          // Presence/voice updates and the like: accepted and ignored.
          return;
      }
    });
    this.#raw(socket, {
      op: 10,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  }

  #identify(socket: WebSocket, d: unknown): Session | undefined {
    if (!isRecord(d) || d.token !== this.options.token) {
      this.#close(socket, 4004, 'Authentication failed.');
      return undefined;
    }
    const intents = typeof d.intents === 'number' ? d.intents : 0;
    const shard = Array.isArray(d.shard) && d.shard.length === 2 ? (d.shard as [number, number]) : undefined;
    this.identifies.push({ intents, shard, properties: d.properties, at: Date.now() });
    if (!this.options.privilegedIntents && (intents & PRIVILEGED_INTENTS) !== 0) {
      this.#close(socket, 4014, 'Disallowed intent(s).');
      return undefined;
    }
    if (shard && (shard[1] < 1 || shard[0] >= shard[1])) {
      this.#close(socket, 4010, 'Invalid shard.');
      return undefined;
    }
    const session: Session = { id: this.ids.next(), sequence: 0, socket, sent: [], shard };
    this.#sessions.set(session.id, session);
    const { user, application, guilds: all } = this.options.readyData();
    const guilds = all.filter((g) => !shard || shardOfGuild(String(g.id), shard[1]) === shard[0]);
    this.#send(session, 'READY', {
      v: 10,
      user,
      application,
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.options.url(),
      shard: shard ?? [0, 1],
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      auth: {},
    });
    for (const guild of guilds) this.#send(session, 'GUILD_CREATE', guild);
    this.options.onIdentified?.();
    return session;
  }

  #resume(socket: WebSocket, d: unknown): Session | undefined {
    const session =
      isRecord(d) && typeof d.session_id === 'string' ? this.#sessions.get(d.session_id) : undefined;
    if (!isRecord(d) || d.token !== this.options.token || !session) {
      this.#raw(socket, { op: 9, d: false, s: null, t: null });
      return undefined;
    }
    session.socket = socket;
    const since = typeof d.seq === 'number' ? d.seq : 0;
    for (const frame of session.sent)
      if (typeof frame.s === 'number' && frame.s > since) this.#raw(socket, frame);
    this.#send(session, 'RESUMED', {});
    this.options.onIdentified?.();
    return session;
  }

  #send(session: Session, event: string, data: JsonObject): void {
    session.sequence += 1;
    const frame = { op: 0, t: event, s: session.sequence, d: data };
    session.sent.push(frame);
    if (session.socket) this.#raw(session.socket, frame);
  }

  #raw(socket: WebSocket, frame: JsonObject): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  }

  #close(socket: WebSocket, code: number, reason: string): void {
    this.closeCodes.push(code);
    socket.close(code, reason);
  }
}

function parseFrame(raw: RawData): { op: number; d: unknown } | undefined {
  try {
    const buffer = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    const value: unknown = JSON.parse(buffer.toString('utf8'));
    return isRecord(value) && typeof value.op === 'number' ? { op: value.op, d: value.d } : undefined;
  } catch {
    return undefined;
  }
}
