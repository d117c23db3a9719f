import { isRecord, type JsonObject } from './http.js';
import type { CommandOptionInput } from './interactions.js';

/**
 * What Discord's client lets a user type for a registered chat-input command: the subcommand
 * (group) must exist, every option must be defined there, required ones given (not for
 * autocomplete, which is sent while typing), values of the option's type, among its choices,
 * within min/max value and length, and a channel option only of the allowed channel types.
 * Returns the reasons the input is impossible (empty when Discord would send it).
 */
export function commandInputProblems(input: {
  definition: JsonObject;
  subcommandGroup?: string;
  subcommand?: string;
  options: readonly CommandOptionInput[];
  /** For autocomplete: the option being typed (any partial text; must have autocomplete on). */
  focused?: string;
  channelType: (id: string) => number | undefined;
  roleExists: (id: string) => boolean;
  userExists: (id: string) => boolean;
}): string[] {
  const problems: string[] = [];
  const name = String(input.definition.name);
  let definitions = optionList(input.definition.options);
  let where = `/${name}`;
  const descend = (type: number, wanted: string | undefined, what: string) => {
    const levels = definitions.filter((d) => d.type === type);
    // Discord lets a command mix subcommand groups and plain subcommands at its top level.
    if (type === 2 && wanted === undefined && definitions.some((d) => d.type === 1)) return;
    if (levels.length === 0) {
      if (wanted !== undefined) problems.push(`${where} has no ${what} "${wanted}"`);
      return;
    }
    const level = levels.find((d) => d.name === wanted);
    if (!level) {
      problems.push(
        `${where} needs a ${what}: one of ${levels.map((d) => d.name).join(', ')} (got ${String(wanted)})`,
      );
      definitions = [];
      return;
    }
    where = `${where} ${String(wanted)}`;
    definitions = optionList(level.options);
  };
  descend(2, input.subcommandGroup, 'subcommand group');
  descend(1, input.subcommand, 'subcommand');
  if (problems.length > 0) return problems;

  const autocomplete = input.focused !== undefined;
  for (const option of input.options) {
    const definition = definitions.find((d) => d.name === option.name);
    if (!definition) {
      problems.push(`${where} has no option "${option.name}"`);
      continue;
    }
    if (option.name === input.focused) {
      if (definition.autocomplete !== true)
        problems.push(`${where} option "${option.name}" has no autocomplete`);
      continue;
    }
    problems.push(...valueProblems(`${where} ${option.name}`, definition, option.value, input));
  }
  if (autocomplete && !input.options.some((o) => o.name === input.focused)) {
    problems.push(`the focused option "${String(input.focused)}" is not among the options`);
  }
  if (!autocomplete) {
    for (const definition of definitions) {
      if (definition.required === true && !input.options.some((o) => o.name === definition.name)) {
        problems.push(`${where} requires option "${String(definition.name)}"`);
      }
    }
  }
  return problems;
}

const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;
const USER = 6;
const CHANNEL = 7;
const ROLE = 8;
const MENTIONABLE = 9;
const NUMBER = 10;

function valueProblems(
  where: string,
  definition: JsonObject,
  value: unknown,
  lookups: {
    channelType: (id: string) => number | undefined;
    roleExists: (id: string) => boolean;
    userExists: (id: string) => boolean;
  },
): string[] {
  const type = definition.type;
  const problems: string[] = [];
  const number = (v: unknown) => (typeof v === 'number' ? v : undefined);
  switch (type) {
    case STRING: {
      if (typeof value !== 'string') return [`${where}: expected text, got ${JSON.stringify(value)}`];
      const min = number(definition.min_length) ?? 0;
      const max = number(definition.max_length) ?? 6000;
      if (value.length < min || value.length > max)
        problems.push(`${where}: length ${value.length} outside ${min}-${max}`);
      break;
    }
    case INTEGER:
    case NUMBER: {
      if (typeof value !== 'number' || (type === INTEGER && !Number.isInteger(value)))
        return [
          `${where}: expected ${type === INTEGER ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`,
        ];
      const min = number(definition.min_value);
      const max = number(definition.max_value);
      if ((min !== undefined && value < min) || (max !== undefined && value > max))
        problems.push(`${where}: ${value} outside ${String(min ?? '-inf')}-${String(max ?? 'inf')}`);
      break;
    }
    case BOOLEAN:
      if (typeof value !== 'boolean') problems.push(`${where}: expected true/false`);
      break;
    case USER:
      if (!lookups.userExists(String(value))) problems.push(`${where}: no user ${String(value)}`);
      break;
    case ROLE:
      if (!lookups.roleExists(String(value)))
        problems.push(`${where}: no role ${String(value)} in this server`);
      break;
    case MENTIONABLE:
      if (!lookups.roleExists(String(value)) && !lookups.userExists(String(value)))
        problems.push(`${where}: no user or role ${String(value)}`);
      break;
    case CHANNEL: {
      const channelType = lookups.channelType(String(value));
      const allowed = Array.isArray(definition.channel_types) ? definition.channel_types : undefined;
      if (channelType === undefined) problems.push(`${where}: no channel ${String(value)} in this server`);
      else if (allowed && !allowed.includes(channelType))
        problems.push(`${where}: channel type ${channelType} is not one of ${allowed.join(', ')}`);
      break;
    }
  }
  const choices = optionList(definition.choices);
  if (choices.length > 0 && !choices.some((c) => c.value === value))
    problems.push(`${where}: ${JSON.stringify(value)} is not one of the choices`);
  return problems;
}

function optionList(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Whether a member with `permissions` sees a command with this `default_member_permissions`. */
export function mayUseCommand(definition: JsonObject, permissions: bigint): boolean {
  const required = definition.default_member_permissions;
  if (required === null || required === undefined) return true;
  const bits = BigInt(String(required));
  const ADMINISTRATOR = 1n << 3n;
  if ((permissions & ADMINISTRATOR) !== 0n) return true;
  return bits !== 0n && (permissions & bits) === bits;
}
