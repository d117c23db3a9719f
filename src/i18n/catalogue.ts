/**
 * The shape every language file must have, derived from the English catalogue (the source of
 * truth). A language file typed `Catalogue` fails `npm run typecheck` when it misses a key or has
 * one English lacks; `t()` fails it when a key is unknown or a placeholder is missing or misspelt.
 * Placeholders and plural forms per CLDR category are checked by test/i18n/catalogue.test.ts.
 */
import type { en } from './locales/en.js';

type En = typeof en;
type EnKey = keyof En & string;

/** CLDR plural categories; i18next picks `key_<category>` with `Intl.PluralRules`. */
export const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
type PluralCategory = (typeof PLURAL_CATEGORIES)[number];

/** Keys with plural forms, by their base (`profile.mastered` for `profile.mastered_one`...). */
type PluralBase = EnKey extends infer K ? (K extends `${infer B}_other` ? B : never) : never;
type PluralKey = `${PluralBase}_${PluralCategory}`;
type SimpleKey = Exclude<EnKey, PluralKey>;

/** What a render function or a command may ask for. */
export type MessageKey = SimpleKey | PluralBase;

/** Every language but English: all plain keys; each plural key with `_other` and whatever categories the language uses. */
export type Catalogue = { readonly [K in SimpleKey]: string } & {
  readonly [K in PluralBase as `${K}_other`]: string;
} & {
  readonly [K in PluralBase as `${K}_${Exclude<PluralCategory, 'other'>}`]?: string;
};

/** `{{name}}` and `{{count, number}}` → `name` | `count`. */
type Vars<S> = S extends `${string}{{${infer V}}}${infer Rest}`
  ? (V extends `${infer N},${string}` ? N : V) | Vars<Rest>
  : never;

type KeyVars<K extends MessageKey> = K extends PluralBase
  ? Vars<En[`${K}_other` & EnKey]> | 'count'
  : Vars<En[K & EnKey]>;

/** A plural key needs a numeric `count`; other placeholders take text or a number (formatted in the reader's locale). */
export type MessageParams<K extends MessageKey> = [KeyVars<K>] extends [never]
  ? []
  : [{ readonly [V in KeyVars<K>]: V extends 'count' ? number : string | number }];

/** Keys whose sentence takes no placeholder (command descriptions, labels). */
export type PlainMessageKey = {
  [K in MessageKey]: MessageParams<K> extends [] ? K : never;
}[MessageKey];
