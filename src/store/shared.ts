/** Small conversions shared by the table modules. */
import { randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';

/** A point in time as callers hold it; stored as epoch milliseconds. */
export type Instant = Date | number;

export function toMs(instant: Instant): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}

/** SQLite has no boolean: 0/1 columns. */
export function toFlag(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** Error texts come from anywhere (HTTP bodies included); keep rows bounded. */
export const MAX_ERROR_LENGTH = 1000;

export function clipError(message: string): string {
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}

export type Database = BetterSqlite3.Database;

/**
 * Counts changes to who is tracked (tracked_users rows added or removed), so a table can keep a
 * figure that depends only on them (and its own rows) until one happens: see FollowersTable.
 */
export class TrackedVersion {
  value = 0;
  bump(): void {
    this.value++;
  }
}

/** 20 URL-safe chars from 120 random bits: within Discord's 25-char nonce limit, never colliding. */
export function randomNonce(): string {
  return randomBytes(15).toString('base64url');
}
