import {
  ApplicationCommandAutocompleteCallbackRequestSchema,
  ApplicationCommandCreateRequestSchema,
  ApplicationCommandUpdateRequestSchema,
  CreateMessageInteractionCallbackRequestSchema,
  IncomingWebhookRequestPartialSchema,
  IncomingWebhookUpdateRequestPartialSchema,
  MessageCreateRequestSchema,
  ModalInteractionCallbackRequestSchema,
  UpdateMessageInteractionCallbackRequestSchema,
} from 'discord-api-spec/zod';
import type { ZodMiniType } from 'zod/mini';
import { isRecord, type JsonObject } from './http.js';

/** One reason Discord would refuse a body; `path` points into the body like Discord's `errors`. */
export interface ValidationIssue {
  path: (string | number)[];
  /** Discord-style error code, e.g. BASE_TYPE_MAX_LENGTH. */
  code: string;
  message: string;
}

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotalCharacters: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  customId: 100,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  commandOptions: 25,
  commandCharacters: 4000,
} as const;

const IS_COMPONENTS_V2 = 1 << 15;

/** A body for POST /channels/{id}/messages. */
export function validateMessageCreate(body: unknown): ValidationIssue[] {
  return [...zodIssues(MessageCreateRequestSchema, normalize(body)), ...messageLimits(body, [])];
}

/** A body for PATCH /webhooks/{app}/{token}/messages/{id} (editReply). */
export function validateWebhookEdit(body: unknown): ValidationIssue[] {
  return [
    ...zodIssues(IncomingWebhookUpdateRequestPartialSchema, normalize(body)),
    ...messageLimits(body, []),
  ];
}

/** A body for POST /webhooks/{app}/{token} (interaction follow-up). */
export function validateWebhookExecute(body: unknown): ValidationIssue[] {
  return [...zodIssues(IncomingWebhookRequestPartialSchema, normalize(body)), ...messageLimits(body, [])];
}

/** A body for POST /interactions/{id}/{token}/callback, checked against the schema of its type. */
export function validateInteractionCallback(body: unknown): ValidationIssue[] {
  const type = isRecord(body) ? body.type : undefined;
  const data = isRecord(body) ? body.data : undefined;
  switch (type) {
    case 4:
    case 5:
      return [
        ...zodIssues(CreateMessageInteractionCallbackRequestSchema, normalize(body)),
        ...messageLimits(data, ['data']),
      ];
    case 6:
    case 7:
      return [
        ...zodIssues(UpdateMessageInteractionCallbackRequestSchema, normalize(body)),
        ...messageLimits(data, ['data']),
      ];
    case 8:
      return [
        ...zodIssues(ApplicationCommandAutocompleteCallbackRequestSchema, body),
        ...autocompleteLimits(data),
      ];
    case 9:
      return zodIssues(ModalInteractionCallbackRequestSchema, body);
    default:
      return [
        { path: ['type'], code: 'BASE_TYPE_CHOICES', message: `unsupported callback type ${String(type)}` },
      ];
  }
}

/** A body for PUT /applications/{app}[/guilds/{g}]/commands (bulk overwrite). */
export function validateCommandList(body: unknown): ValidationIssue[] {
  if (!Array.isArray(body))
    return [{ path: [], code: 'BASE_TYPE_ARRAY', message: 'must be an array of commands' }];
  const issues = body.flatMap((command, index) =>
    [...zodIssues(ApplicationCommandUpdateRequestSchema, normalize(command)), ...commandLimits(command)].map(
      (issue) => ({ ...issue, path: [index, ...issue.path] }),
    ),
  );
  const seen = new Set<string>();
  body.forEach((command, index) => {
    if (!isRecord(command)) return;
    const key = `${String(command.type ?? 1)}:${String(command.name)}`;
    if (seen.has(key)) {
      issues.push({
        path: [index, 'name'],
        code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
        message: 'duplicate name',
      });
    }
    seen.add(key);
  });
  return issues;
}

/** A body for POST /applications/{app}[/guilds/{g}]/commands (one command). */
export function validateCommand(body: unknown): ValidationIssue[] {
  return [...zodIssues(ApplicationCommandCreateRequestSchema, normalize(body)), ...commandLimits(body)];
}

/** True when a message would have nothing to show, which Discord refuses (50006). */
export function isEmptyMessage(body: unknown, fileCount: number): boolean {
  if (fileCount > 0) return false;
  if (!isRecord(body)) return true;
  const nonEmpty = (value: unknown) => Array.isArray(value) && value.length > 0;
  return !(
    (typeof body.content === 'string' && body.content.trim().length > 0) ||
    nonEmpty(body.embeds) ||
    nonEmpty(body.components) ||
    nonEmpty(body.sticker_ids) ||
    isRecord(body.poll)
  );
}

/** Turns issues into Discord's nested `errors` object: `{ embeds: { 0: { title: { _errors: [...] } } } }`. */
export function toDiscordErrors(issues: readonly ValidationIssue[]): JsonObject {
  const root: JsonObject = {};
  for (const issue of issues) {
    let node = root;
    for (const key of issue.path) {
      const next = node[String(key)];
      if (isRecord(next)) node = next;
      else {
        const created: JsonObject = {};
        node[String(key)] = created;
        node = created;
      }
    }
    const list = Array.isArray(node._errors) ? node._errors : [];
    list.push({ code: issue.code, message: issue.message });
    node._errors = list;
  }
  return root;
}

export function describeIssues(issues: readonly ValidationIssue[]): string[] {
  return issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`);
}

// --- the limits the generated schemas miss -----------------------------------------------

/** Content, embed and component limits shared by every message-like body. */
function messageLimits(body: unknown, prefix: (string | number)[]): ValidationIssue[] {
  if (!isRecord(body)) return [];
  const issues: ValidationIssue[] = [];
  const at = (...path: (string | number)[]) => [...prefix, ...path];

  if (typeof body.content === 'string' && body.content.length > LIMITS.content) {
    issues.push({
      path: at('content'),
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${LIMITS.content} or fewer in length (got ${body.content.length}).`,
    });
  }
  if (Array.isArray(body.embeds)) {
    if (body.embeds.length > LIMITS.embeds) {
      issues.push({
        path: at('embeds'),
        code: 'BASE_TYPE_MAX_LENGTH',
        message: `Must be ${LIMITS.embeds} or fewer in length.`,
      });
    }
    body.embeds.forEach((embed, index) => {
      issues.push(...embedProblems(embed, at('embeds', index)));
    });
    const total = body.embeds.reduce<number>((sum, embed) => sum + embedCharacters(embed), 0);
    if (total > LIMITS.embedTotalCharacters) {
      issues.push({
        path: at('embeds'),
        code: 'BASE_TYPE_MAX_LENGTH',
        message: `Embed size exceeds maximum size of ${LIMITS.embedTotalCharacters} (got ${total}).`,
      });
    }
  }
  if (Array.isArray(body.components)) {
    const flags = typeof body.flags === 'number' ? body.flags : 0;
    issues.push(...componentLimits(body.components, (flags & IS_COMPONENTS_V2) !== 0, at('components')));
  }
  return issues;
}

const blank = (value: unknown) => typeof value === 'string' && value.trim().length === 0;
const IMAGE_SCHEMES = /^(https?|attachment):\/\//;

/**
 * What Discord refuses in one embed that the generated schema lets through: an embed with nothing
 * to show, a blank title, blank (or whitespace-only) field names and values, footer text and
 * author name, and image URLs that are not http(s) or `attachment://`.
 */
function embedProblems(embed: unknown, at: (string | number)[]): ValidationIssue[] {
  if (!isRecord(embed)) return [];
  const issues: ValidationIssue[] = [];
  const required = (path: (string | number)[]) =>
    issues.push({ path: [...at, ...path], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  const present = (value: unknown) => typeof value === 'string' && value.trim().length > 0;
  const fields = Array.isArray(embed.fields) ? embed.fields : [];
  const url = (value: unknown) => (isRecord(value) ? value.url : undefined);
  const shows =
    present(embed.title) ||
    present(embed.description) ||
    fields.length > 0 ||
    (isRecord(embed.author) && present(embed.author.name)) ||
    (isRecord(embed.footer) && present(embed.footer.text)) ||
    present(url(embed.image)) ||
    present(url(embed.thumbnail));
  if (!shows) {
    issues.push({ path: at, code: 'EMBED_EMPTY', message: 'Embed must not be empty.' });
    return issues;
  }
  if (blank(embed.title)) {
    issues.push({
      path: [...at, 'title'],
      code: 'BASE_TYPE_BAD_LENGTH',
      message: 'Must be between 1 and 256 in length.',
    });
  }
  fields.forEach((field, index) => {
    if (!isRecord(field)) return;
    if (!present(field.name)) required(['fields', index, 'name']);
    if (!present(field.value)) required(['fields', index, 'value']);
  });
  if (isRecord(embed.footer) && !present(embed.footer.text)) required(['footer', 'text']);
  if (isRecord(embed.author) && !present(embed.author.name)) required(['author', 'name']);
  const images: [unknown, (string | number)[]][] = [
    [url(embed.image), ['image', 'url']],
    [url(embed.thumbnail), ['thumbnail', 'url']],
    [isRecord(embed.author) ? embed.author.icon_url : undefined, ['author', 'icon_url']],
    [isRecord(embed.footer) ? embed.footer.icon_url : undefined, ['footer', 'icon_url']],
  ];
  for (const [value, path] of images) {
    if (typeof value === 'string' && !IMAGE_SCHEMES.test(value)) {
      issues.push({
        path: [...at, ...path],
        code: 'URL_TYPE_INVALID_SCHEME',
        message: 'Scheme must be one of (http, https, attachment).',
      });
    }
  }
  return issues;
}

/** The characters Discord counts toward the 6000 limit of one message's embeds. */
export function embedCharacters(embed: unknown): number {
  if (!isRecord(embed)) return 0;
  const length = (value: unknown) => (typeof value === 'string' ? value.length : 0);
  let total = length(embed.title) + length(embed.description);
  if (isRecord(embed.footer)) total += length(embed.footer.text);
  if (isRecord(embed.author)) total += length(embed.author.name);
  if (Array.isArray(embed.fields)) {
    for (const field of embed.fields) if (isRecord(field)) total += length(field.name) + length(field.value);
  }
  return total;
}

function componentLimits(components: unknown[], v2: boolean, path: (string | number)[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!v2 && components.length > LIMITS.actionRows) {
    issues.push({
      path,
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${LIMITS.actionRows} or fewer in length.`,
    });
  }
  const customIds = new Set<string>();
  const visit = (component: unknown, at: (string | number)[]) => {
    if (!isRecord(component)) return;
    if (component.type === 1 && Array.isArray(component.components)) {
      const buttons = component.components.filter((c) => isRecord(c) && c.type === 2).length;
      if (buttons > LIMITS.buttonsPerRow) {
        issues.push({
          path: [...at, 'components'],
          code: 'BASE_TYPE_MAX_LENGTH',
          message: `Must be ${LIMITS.buttonsPerRow} or fewer in length.`,
        });
      }
    }
    if (component.type === 2) {
      const isLink = component.style === 5;
      const isPremium = component.style === 6;
      if (isLink && typeof component.url !== 'string') {
        issues.push({
          path: [...at, 'url'],
          code: 'BASE_TYPE_REQUIRED',
          message: 'A link button needs a url.',
        });
      }
      if ((isLink || isPremium) && component.custom_id !== undefined) {
        issues.push({
          path: [...at, 'custom_id'],
          code: 'COMPONENT_INVALID',
          message: 'Link buttons cannot have a custom_id.',
        });
      }
      if (!isLink && !isPremium && component.custom_id === undefined) {
        issues.push({
          path: [...at, 'custom_id'],
          code: 'BASE_TYPE_REQUIRED',
          message: 'This field is required',
        });
      }
    }
    if (component.custom_id !== undefined) {
      const id = component.custom_id;
      if (typeof id !== 'string' || id.length < 1 || id.length > LIMITS.customId) {
        issues.push({
          path: [...at, 'custom_id'],
          code: 'BASE_TYPE_BAD_LENGTH',
          message: `Must be between 1 and ${LIMITS.customId} in length.`,
        });
      } else if (customIds.has(id)) {
        issues.push({
          path: [...at, 'custom_id'],
          code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
          message: 'Component custom id cannot be duplicated',
        });
      } else customIds.add(id);
    }
    for (const key of ['components', 'accessory'] as const) {
      const child = component[key];
      if (Array.isArray(child)) {
        child.forEach((c, i) => {
          visit(c, [...at, key, i]);
        });
      } else if (isRecord(child)) visit(child, [...at, key]);
    }
  };
  components.forEach((component, index) => {
    visit(component, [...path, index]);
  });
  return issues;
}

function autocompleteLimits(data: unknown): ValidationIssue[] {
  if (!isRecord(data) || !Array.isArray(data.choices)) {
    return [{ path: ['data', 'choices'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }];
  }
  const issues: ValidationIssue[] = [];
  if (data.choices.length > LIMITS.autocompleteChoices) {
    issues.push({
      path: ['data', 'choices'],
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${LIMITS.autocompleteChoices} or fewer in length.`,
    });
  }
  data.choices.forEach((choice, index) => {
    if (!isRecord(choice)) return;
    const at = ['data', 'choices', index];
    if (typeof choice.name !== 'string' || choice.name.length < 1 || choice.name.length > LIMITS.choiceName) {
      issues.push({
        path: [...at, 'name'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: `Must be between 1 and ${LIMITS.choiceName} in length.`,
      });
    }
    if (typeof choice.value === 'string' && choice.value.length > LIMITS.choiceValue) {
      issues.push({
        path: [...at, 'value'],
        code: 'BASE_TYPE_MAX_LENGTH',
        message: `Must be ${LIMITS.choiceValue} or fewer in length.`,
      });
    }
  });
  return issues;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function commandLimits(command: unknown): ValidationIssue[] {
  if (!isRecord(command)) return [];
  const issues: ValidationIssue[] = [];
  const chatInput = command.type === undefined || command.type === 1;
  let characters = 0;
  const count = (value: unknown) => {
    if (typeof value === 'string') characters += value.length;
  };

  const checkNamed = (node: JsonObject, at: (string | number)[]) => {
    if (chatInput && typeof node.name === 'string') {
      if (!COMMAND_NAME.test(node.name) || node.name !== node.name.toLowerCase()) {
        issues.push({
          path: [...at, 'name'],
          code: 'APPLICATION_COMMAND_INVALID_NAME',
          message: `Command name "${node.name}" is invalid (lowercase letters, digits, - and _ only).`,
        });
      }
    }
    if (chatInput && (typeof node.description !== 'string' || node.description.length < 1)) {
      issues.push({
        path: [...at, 'description'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: 'Must be between 1 and 100 in length.',
      });
    }
    count(node.name);
    count(node.description);
  };

  const checkOptions = (options: unknown, at: (string | number)[]) => {
    if (!Array.isArray(options)) return;
    if (options.length > LIMITS.commandOptions) {
      issues.push({
        path: at,
        code: 'BASE_TYPE_MAX_LENGTH',
        message: `Must be ${LIMITS.commandOptions} or fewer in length.`,
      });
    }
    let optionalSeen = false;
    options.forEach((option, index) => {
      if (!isRecord(option)) return;
      const here = [...at, index];
      checkNamed(option, here);
      const isSubcommand = option.type === 1 || option.type === 2;
      if (!isSubcommand) {
        if (option.required === true && optionalSeen) {
          issues.push({
            path: [...here, 'required'],
            code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
            message: 'Required options must be placed before non-required options',
          });
        }
        if (option.required !== true) optionalSeen = true;
      }
      if (option.autocomplete === true && Array.isArray(option.choices) && option.choices.length > 0) {
        issues.push({
          path: [...here, 'autocomplete'],
          code: 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES',
          message: 'Autocomplete cannot be set with choices.',
        });
      }
      if (Array.isArray(option.choices)) {
        for (const choice of option.choices) {
          if (isRecord(choice)) {
            count(choice.name);
            count(typeof choice.value === 'string' ? choice.value : '');
          }
        }
      }
      checkOptions(option.options, [...here, 'options']);
    });
  };

  checkNamed(command, []);
  checkOptions(command.options, ['options']);
  if (chatInput && characters > LIMITS.commandCharacters) {
    issues.push({
      path: [],
      code: 'APPLICATION_COMMAND_TOO_LARGE',
      message: `Command exceeds maximum size (${LIMITS.commandCharacters} characters, got ${characters}).`,
    });
  }
  return issues;
}

// --- zod plumbing ------------------------------------------------------------------------

/**
 * Where the generated schemas are stricter than Discord itself: attachment ids of new uploads
 * are array indexes (numbers) and `default_member_permissions` is a decimal string. Both are
 * accepted by Discord and sent that way by discord.js.
 */
function normalize(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const copy: JsonObject = { ...body };
  if (typeof copy.default_member_permissions === 'string' && /^\d+$/.test(copy.default_member_permissions)) {
    copy.default_member_permissions = Number(copy.default_member_permissions);
  }
  if (Array.isArray(copy.attachments)) {
    copy.attachments = copy.attachments.map((a) =>
      isRecord(a) && typeof a.id === 'number' ? { ...a, id: String(a.id) } : a,
    );
  }
  if (isRecord(copy.data)) copy.data = normalize(copy.data);
  return copy;
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  expected?: string;
  values?: unknown[];
  errors?: ZodIssueLike[][];
  keys?: string[];
}

function zodIssues(schema: ZodMiniType, body: unknown): ValidationIssue[] {
  const result = schema.safeParse(body);
  if (result.success) return [];
  return flatten(result.error.issues as unknown as ZodIssueLike[], []);
}

function flatten(issues: ZodIssueLike[], prefix: (string | number)[]): ValidationIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
      // Report the branch that got furthest, not "matched none": drop branches that failed on
      // the value's type alone, then keep the one with the fewest issues.
      const branches = issue.errors.filter(
        (branch) =>
          !(branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0),
      );
      const best = [...(branches.length > 0 ? branches : issue.errors)].sort(
        (a, b) => a.length - b.length,
      )[0];
      if (best && best.length > 0) return flatten(best, path);
    }
    return [{ path, ...describe(issue) }];
  });
}

function describe(issue: ZodIssueLike): { code: string; message: string } {
  const unit = issue.origin === 'string' ? ' in length' : issue.origin === 'array' ? ' in length' : '';
  switch (issue.code) {
    case 'too_big':
      return {
        code: issue.origin === 'number' ? 'NUMBER_TYPE_MAX' : 'BASE_TYPE_MAX_LENGTH',
        message: `Must be ${String(issue.maximum)} or fewer${unit}.`,
      };
    case 'too_small':
      return {
        code: issue.origin === 'number' ? 'NUMBER_TYPE_MIN' : 'BASE_TYPE_MIN_LENGTH',
        message: `Must be ${String(issue.minimum)} or more${unit}.`,
      };
    case 'invalid_type':
      return { code: 'BASE_TYPE_REQUIRED', message: `Expected ${issue.expected ?? 'another type'}.` };
    case 'invalid_value':
      return {
        code: 'BASE_TYPE_CHOICES',
        message: `Value must be one of ${JSON.stringify(issue.values ?? [])}.`,
      };
    case 'invalid_format':
      return { code: 'BASE_TYPE_INVALID', message: issue.message };
    default:
      return { code: 'BASE_TYPE_INVALID', message: `${issue.code}: ${issue.message}` };
  }
}
