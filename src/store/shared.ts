/** Small conversions shared by the table modules. */

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
