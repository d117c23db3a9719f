/**
 * The bot's languages: which locales it speaks, which one a reader gets, and a `Messages` per
 * locale (a translator plus number formats) that render/ and commands/ take as a parameter.
 * i18next instances are built once per locale and reused: nothing here runs per render but `t`.
 */
import i18next, { type i18n, type TFunction } from 'i18next';
import type { Catalogue, MessageKey, MessageParams } from './catalogue.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { ptBR } from './locales/pt-BR.js';

/** Discord's locale ids the bot speaks, each mapped to its catalogue (a sixth language: one file, one line here). */
const CATALOGUES = {
  'en-US': en,
  'en-GB': en,
  'pt-BR': ptBR,
  'es-ES': es,
  'es-419': es,
  fr,
  de,
} as const satisfies Record<string, Catalogue>;

export type SupportedLocale = keyof typeof CATALOGUES;
export const SUPPORTED_LOCALES = Object.keys(CATALOGUES) as SupportedLocale[];
export const DEFAULT_LOCALE: SupportedLocale = 'en-US';

/** Each language's name in itself, for `/settings language` and `/settings show`. */
export const LOCALE_NAMES: Readonly<Record<SupportedLocale, string>> = {
  'en-US': 'English (US)',
  'en-GB': 'English (UK)',
  'pt-BR': 'Português (Brasil)',
  'es-ES': 'Español (España)',
  'es-419': 'Español (Latinoamérica)',
  fr: 'Français',
  de: 'Deutsch',
};

export function isSupportedLocale(locale: string | null | undefined): locale is SupportedLocale {
  return typeof locale === 'string' && Object.hasOwn(CATALOGUES, locale);
}

/** A channel post's language: the server's chosen one, else Discord's preferred locale of the server, else English. */
export function serverLocale(
  chosen: string | null | undefined,
  guildPreferred: string | null | undefined,
): SupportedLocale {
  if (isSupportedLocale(chosen)) return chosen;
  if (isSupportedLocale(guildPreferred)) return guildPreferred;
  return DEFAULT_LOCALE;
}

/** A reply's language: the invoker's Discord locale when the bot speaks it, else the server's language. */
export function replyLocale(invoker: string | null | undefined, server: SupportedLocale): SupportedLocale {
  return isSupportedLocale(invoker) ? invoker : server;
}

/** What a renderer needs to speak one locale. */
export interface Messages {
  readonly locale: string;
  /** The sentence with id `key`, its placeholders filled (numbers in the reader's format). */
  t<K extends MessageKey>(key: K, ...params: MessageParams<K>): string;
  /** `1,234` / `1.234` / `1 234`. */
  count(n: number): string;
  /** `42%` / `42 %` for `value` in percent (0-100), with `digits` decimals. */
  percent(value: number, digits?: 0 | 1): string;
  /** `1.5` / `1,5`: one decimal. */
  decimal(n: number): string;
  /** `1st` / `1.` / `1º` / `1er`: the locale's ordinal form (CLDR ordinal categories). */
  ordinal(n: number): string;
  /** The same sentence through i18next's own `t`: the reference `t` must agree with (tests only; slow). */
  reference(key: string, values?: Record<string, unknown>): string;
}

/** A compiled sentence: literal text and placeholder names, in order. */
type Part = string | { readonly name: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*(?:,[^}]*)?\}\}/g;

function compile(text: string): readonly Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push({ name: match[1] as string });
    last = match.index + match[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(text.slice(last));
  return parts;
}

/**
 * Builds a locale's `Messages` from a catalogue (exported for the pseudo-locale test; the bot
 * uses `messagesFor`). `intlLocale` picks number formats and plural rules.
 *
 * i18next holds the catalogue and picks the plural form (its resolver, CLDR rules through
 * `Intl.PluralRules`); filling placeholders goes through a template compiled once per key,
 * because i18next's own `t` costs tens of microseconds a call and /progress says a few hundred
 * sentences (a test checks both give the same text for every key in every language).
 */
export function createMessages(intlLocale: string, catalogue: Catalogue | typeof en): Messages {
  const instance: i18n = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: intlLocale,
    fallbackLng: false,
    resources: { [intlLocale]: { translation: catalogue } },
    keySeparator: false,
    nsSeparator: false,
    // Values are escaped for markdown by the caller; HTML escaping would garble them.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const reference: TFunction = instance.getFixedT(intlLocale);
  // i18next's own rule for the language (its resolver caches one Intl.PluralRules per language);
  // asking the resolver per call would rebuild a cache key each time.
  const plurals = (instance.services.pluralResolver as { getRule(lng: string): Intl.PluralRules }).getRule(
    intlLocale,
  );
  const numbers = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 0 });
  // Below 1,000 an integer reads the same in every locale whose digits are Latin and minus is
  // "-" (checked here, not assumed): skip Intl there, it is the costliest part of a sentence.
  const plainSmall = numbers.format(-987) === '-987' && numbers.format(10) === '10';
  const count = (n: number) =>
    plainSmall && Number.isInteger(n) && n > -1000 && n < 1000
      ? String(n)
      : numbers.format(Number.isFinite(n) ? n : 0);
  const percents = [0, 1].map(
    (digits) =>
      new Intl.NumberFormat(intlLocale, {
        style: 'percent',
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }),
  );
  const ordinals = new Intl.PluralRules(intlLocale, { type: 'ordinal' });
  const decimals = new Intl.NumberFormat(intlLocale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // Intl is the costly part of a sentence: remember what small whole numbers came to.
  const categories = new Map<number, Intl.LDMLPluralRule>();
  const category = (n: number): Intl.LDMLPluralRule => {
    if (!Number.isInteger(n) || n < 0 || n > 9999) return plurals.select(n);
    let c = categories.get(n);
    if (c === undefined) {
      c = plurals.select(n);
      categories.set(n, c);
    }
    return c;
  };
  const wholePercents = new Map<number, string>();
  // Compiled once per key; a key the catalogue lacks (a plural form the language doesn't use, a
  // `count` on a key without plural forms) is remembered as null, not looked up again.
  const templates = new Map<string, readonly Part[] | null>();
  const template = (id: string): readonly Part[] | undefined => {
    let parts = templates.get(id);
    if (parts === undefined) {
      const text: unknown = instance.getResource(intlLocale, 'translation', id);
      parts = typeof text === 'string' ? compile(text) : null;
      templates.set(id, parts);
    }
    return parts ?? undefined;
  };
  const messages: Messages = {
    locale: intlLocale,
    count,
    decimal: (n) => decimals.format(Number.isFinite(n) ? n : 0),
    percent(value, digits = 0) {
      const v = Number.isFinite(value) ? value : 0;
      if (digits === 0 && Number.isInteger(v) && v >= 0 && v <= 100) {
        let text = wholePercents.get(v);
        if (text === undefined) {
          text = (percents[0] as Intl.NumberFormat).format(v / 100);
          wholePercents.set(v, text);
        }
        return text;
      }
      return (percents[digits] as Intl.NumberFormat).format(v / 100);
    },
    ordinal(n) {
      const form = ordinals.select(n);
      const key = `ordinal.${form === 'zero' || form === 'many' ? 'other' : form}` as const;
      return messages.t(key, { n });
    },
    reference: (key, values) => reference(key, values ?? {}),
    t(key, ...params) {
      const values = params[0] as Readonly<Record<string, string | number>> | undefined;
      let parts: readonly Part[] | undefined;
      if (typeof values?.count === 'number') {
        parts = template(`${key}_${category(values.count)}`) ?? template(`${key}_other`);
      }
      parts ??= template(key);
      if (!parts) return key;
      let out = '';
      for (const part of parts) {
        if (typeof part === 'string') out += part;
        else {
          const value = values?.[part.name];
          out += typeof value === 'number' ? count(value) : (value ?? '');
        }
      }
      return out;
    },
  };
  return messages;
}

const cache = new Map<SupportedLocale, Messages>();

/** The locale's `Messages`, built on first use and reused. */
export function messagesFor(locale: SupportedLocale): Messages {
  let messages = cache.get(locale);
  if (!messages) {
    messages = createMessages(locale, CATALOGUES[locale]);
    cache.set(locale, messages);
  }
  return messages;
}

/** Every catalogue by its file's language, for the parity test. */
export const CATALOGUE_FILES: Readonly<Record<string, Catalogue>> = { en, 'pt-BR': ptBR, es, fr, de };
