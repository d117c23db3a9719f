import { RaInvalidInputError } from './errors.js';

const USERNAME = /^[A-Za-z0-9]{2,20}$/;
const ULID = /^[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}$/;

/**
 * A user reference as RA accepts it: a 2-20 character username/display name of letters and
 * digits, or a 26-character ULID. Anything else is refused before it reaches a URL.
 */
export function parseRaUser(input: string): string {
  const value = input.trim();
  if (USERNAME.test(value) || ULID.test(value)) return value;
  throw new RaInvalidInputError(
    'user',
    'a RetroAchievements username has 2-20 letters or digits (or use the 26-character ULID).',
    'user-format',
  );
}

export function isRaUser(input: string): boolean {
  const value = input.trim();
  return USERNAME.test(value) || ULID.test(value);
}

/** A positive game id as typed by a user ("1234", "#1234"). */
export function parseGameId(input: string): number | null {
  const match = /^#?(\d{1,9})$/.exec(input.trim());
  if (!match) return null;
  const id = Number(match[1]);
  return id > 0 ? id : null;
}
