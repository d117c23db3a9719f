import { isRecord, type JsonObject, type UploadedFile } from './http.js';
import type { SnowflakeGenerator } from './snowflake.js';

export interface FakeEmbed {
  type?: string;
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string; icon_url?: string };
  author?: { name: string; url?: string; icon_url?: string };
  image?: { url: string; proxy_url?: string };
  thumbnail?: { url: string; proxy_url?: string };
}

export interface FakeComponent {
  type: number;
  custom_id?: string;
  label?: string;
  style?: number;
  url?: string;
  disabled?: boolean;
  components?: FakeComponent[];
  [key: string]: unknown;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  content_type: string;
  description?: string;
  url: string;
  proxy_url: string;
}

/** A message as Discord returns it (snake_case, like the REST API). */
export interface FakeMessage {
  id: string;
  channel_id: string;
  type: number;
  author: JsonObject;
  content: string;
  embeds: FakeEmbed[];
  components: FakeComponent[];
  attachments: FakeAttachment[];
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: unknown[];
  mention_roles: string[];
  pinned: boolean;
  nonce?: string | number;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: JsonObject;
}

export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  IsComponentsV2: 1 << 15,
} as const;

/** What a message pings, as Discord records it (derived from its content and `allowed_mentions`). */
export interface MessageMentions {
  mentions: unknown[];
  mention_roles: string[];
  mention_everyone: boolean;
}

/** Works out a message's mentions in a channel (the server knows users, roles and permissions). */
export type MentionResolver = (
  channelId: string,
  content: string,
  allowedMentions: unknown,
) => MessageMentions;

export interface MessageOrigin {
  channelId: string;
  author: JsonObject;
  type?: number;
  webhookId?: string;
  applicationId?: string;
  interactionMetadata?: JsonObject;
}

/**
 * Every message the bot created, by id, and per channel the ones it posted with
 * POST /channels/{id}/messages (what announcements look like to a test).
 */
export class MessageStore {
  readonly #byId = new Map<string, FakeMessage>();
  readonly #channelPosts = new Map<string, string[]>();
  /** `channel:nonce` -> the message and when it was created (Discord keeps them for minutes). */
  readonly #nonces = new Map<string, { id: string; at: number }>();
  /** Non-fatal findings, e.g. an embed image pointing at an attachment that was not uploaded. */
  readonly warnings: string[] = [];

  constructor(
    private readonly ids: SnowflakeGenerator,
    private readonly now: () => number = Date.now,
    private readonly resolveMentions?: MentionResolver,
  ) {}

  get(id: string): FakeMessage | undefined {
    return this.#byId.get(id);
  }

  channelPosts(channelId: string): FakeMessage[] {
    return (this.#channelPosts.get(channelId) ?? []).flatMap((id) => this.#byId.get(id) ?? []);
  }

  /** The message an earlier post with this nonce created in this channel within `windowMs`, if any. */
  byNonce(channelId: string, nonce: string | number, windowMs: number): FakeMessage | undefined {
    const key = `${channelId}:${String(nonce)}`;
    const entry = this.#nonces.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.at > windowMs) {
      this.#nonces.delete(key);
      return undefined;
    }
    return this.#byId.get(entry.id);
  }

  create(
    origin: MessageOrigin,
    body: JsonObject,
    files: readonly UploadedFile[],
    channelPost: boolean,
  ): FakeMessage {
    const id = this.ids.next();
    const attachments = this.#uploads(body, files);
    const content = typeof body.content === 'string' ? body.content : '';
    const message: FakeMessage = {
      id,
      channel_id: origin.channelId,
      type: origin.type ?? 0,
      author: origin.author,
      content,
      embeds: this.#embeds(body.embeds, attachments, id),
      components: Array.isArray(body.components) ? (structuredClone(body.components) as FakeComponent[]) : [],
      attachments,
      flags: typeof body.flags === 'number' ? body.flags : 0,
      timestamp: new Date(this.now()).toISOString(),
      edited_timestamp: null,
      tts: body.tts === true,
      ...this.#mentions(origin.channelId, content, body.allowed_mentions),
      pinned: false,
    };
    if (typeof body.nonce === 'string' || typeof body.nonce === 'number') message.nonce = body.nonce;
    if (origin.webhookId) message.webhook_id = origin.webhookId;
    if (origin.applicationId) message.application_id = origin.applicationId;
    if (origin.interactionMetadata) message.interaction_metadata = origin.interactionMetadata;
    this.#byId.set(id, message);
    if (channelPost) {
      const list = this.#channelPosts.get(origin.channelId) ?? [];
      list.push(id);
      this.#channelPosts.set(origin.channelId, list);
      if (message.nonce !== undefined)
        this.#nonces.set(`${origin.channelId}:${String(message.nonce)}`, { id, at: this.now() });
    }
    return message;
  }

  /**
   * Applies an edit as Discord does: fields present in the body replace the old ones; an
   * `attachments` array lists which old attachments to keep (new uploads are always added).
   */
  edit(id: string, body: JsonObject, files: readonly UploadedFile[], flags?: number): FakeMessage {
    const old = this.#byId.get(id);
    if (!old) throw new Error(`Fake Discord: no message ${id}`);
    const kept = Array.isArray(body.attachments)
      ? old.attachments.filter((a) =>
          (body.attachments as unknown[]).some((k) => isRecord(k) && String(k.id) === a.id),
        )
      : old.attachments;
    const attachments = [...kept, ...this.#uploads(body, files)];
    const content =
      typeof body.content === 'string' ? body.content : body.content === null ? '' : old.content;
    const next: FakeMessage = {
      ...old,
      content,
      ...(content === old.content ? {} : this.#mentions(old.channel_id, content, body.allowed_mentions)),
      embeds: body.embeds === undefined ? old.embeds : this.#embeds(body.embeds, attachments, id),
      components:
        body.components === undefined
          ? old.components
          : Array.isArray(body.components)
            ? (structuredClone(body.components) as FakeComponent[])
            : [],
      attachments,
      flags: flags ?? (typeof body.flags === 'number' ? body.flags : old.flags),
      edited_timestamp: new Date(this.now()).toISOString(),
    };
    this.#byId.set(id, next);
    return next;
  }

  #mentions(channelId: string, content: string, allowedMentions: unknown): MessageMentions {
    return (
      this.resolveMentions?.(channelId, content, allowedMentions) ?? {
        mentions: [],
        mention_roles: [],
        mention_everyone: false,
      }
    );
  }

  delete(id: string): void {
    this.#byId.delete(id);
  }

  #uploads(body: JsonObject, files: readonly UploadedFile[]): FakeAttachment[] {
    const described = Array.isArray(body.attachments) ? body.attachments.filter(isRecord) : [];
    return files.map((file, position) => {
      const index = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(position);
      const meta = described.find((a) => String(a.id) === index);
      const filename = typeof meta?.filename === 'string' ? meta.filename : file.name;
      const id = this.ids.next();
      const url = `https://cdn.discordapp.com/attachments/fake/${id}/${encodeURIComponent(filename)}`;
      const attachment: FakeAttachment = {
        id,
        filename,
        size: file.size,
        content_type: file.contentType,
        url,
        proxy_url: url.replace('cdn.discordapp.com', 'media.discordapp.net'),
      };
      if (typeof meta?.description === 'string') attachment.description = meta.description;
      return attachment;
    });
  }

  /** Copies embeds, resolving `attachment://name` URLs the way Discord does. */
  #embeds(value: unknown, attachments: readonly FakeAttachment[], messageId: string): FakeEmbed[] {
    if (!Array.isArray(value)) return [];
    const embeds = structuredClone(value) as FakeEmbed[];
    const resolve = (
      url: string | undefined,
      where: string,
    ): { url: string; proxy_url?: string } | undefined => {
      if (url === undefined || !url.startsWith('attachment://')) return undefined;
      const name = url.slice('attachment://'.length);
      const attachment = attachments.find((a) => a.filename === name);
      if (!attachment) {
        this.warnings.push(`message ${messageId}: ${where} references ${url}, but no such file was uploaded`);
        return undefined;
      }
      return { url: attachment.url, proxy_url: attachment.proxy_url };
    };
    embeds.forEach((embed, i) => {
      embed.type ??= 'rich';
      const image = resolve(embed.image?.url, `embeds[${i}].image`);
      if (image) embed.image = image;
      const thumbnail = resolve(embed.thumbnail?.url, `embeds[${i}].thumbnail`);
      if (thumbnail) embed.thumbnail = thumbnail;
      const authorIcon = resolve(embed.author?.icon_url, `embeds[${i}].author.icon_url`);
      if (authorIcon && embed.author) embed.author.icon_url = authorIcon.url;
      const footerIcon = resolve(embed.footer?.icon_url, `embeds[${i}].footer.icon_url`);
      if (footerIcon && embed.footer) embed.footer.icon_url = footerIcon.url;
    });
    return embeds;
  }
}
