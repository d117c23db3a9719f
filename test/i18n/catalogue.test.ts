/**
 * The catalogue's promises: every language has every key with English's placeholders and a
 * plural form for each CLDR category it uses; the fast `t` says exactly what i18next says; a
 * reader gets the language the README promises.
 */
import { describe, expect, it } from 'vitest';
import { PLURAL_CATEGORIES } from '../../src/i18n/catalogue.js';
import {
  CATALOGUE_FILES,
  createMessages,
  messagesFor,
  replyLocale,
  SUPPORTED_LOCALES,
  serverLocale,
} from '../../src/i18n/index.js';
import { en } from '../../src/i18n/locales/en.js';

const PLURAL_SUFFIX = new RegExp(`_(${PLURAL_CATEGORIES.join('|')})$`);
const base = (key: string) => key.replace(PLURAL_SUFFIX, '');
const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{\{\s*([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '').sort();

/** The Intl locales each catalogue file serves (es serves es-ES and es-419). */
function localesOf(file: string): string[] {
  const served = SUPPORTED_LOCALES.filter((l) => l === file || l.split('-')[0] === file);
  return served.length > 0 ? served : [file];
}

const english = en as Record<string, string>;
const englishBases = new Set(Object.keys(english).map(base));
const pluralBases = new Set(
  Object.keys(english)
    .filter((k) => k.endsWith('_other'))
    .map(base),
);

describe('the catalogue', () => {
  it('ships one file per language for every supported locale', () => {
    expect(Object.keys(CATALOGUE_FILES).sort()).toEqual(['de', 'en', 'es', 'fr', 'pt-BR']);
    for (const locale of SUPPORTED_LOCALES) expect(messagesFor(locale).locale).toBe(locale);
  });

  for (const [file, catalogue] of Object.entries(CATALOGUE_FILES)) {
    describe(file, () => {
      const entries = Object.entries(catalogue as Record<string, string>);
      const categories = new Set(
        localesOf(file).flatMap((l) => new Intl.PluralRules(l).resolvedOptions().pluralCategories),
      );

      it('has every English key and no other', () => {
        expect(new Set(entries.map(([k]) => base(k)))).toEqual(englishBases);
      });

      it("uses English's placeholders in every sentence", () => {
        const wrong = entries.filter(([key, text]) => {
          const reference = english[key] ?? english[`${base(key)}_other`] ?? '';
          return placeholders(text).join() !== placeholders(reference).join();
        });
        expect(wrong.map(([k]) => k)).toEqual([]);
      });

      it('has a form for each plural category the language uses, and none it does not', () => {
        for (const plural of pluralBases) {
          const forms = entries
            .filter(([k]) => base(k) === plural && k !== plural)
            .map(([k]) => k.slice(plural.length + 1));
          expect({ key: plural, forms: forms.sort() }).toEqual({
            key: plural,
            forms: [...categories].sort(),
          });
        }
      });

      it('leaves no sentence empty', () => {
        expect(entries.filter(([, text]) => text.trim() === '').map(([k]) => k)).toEqual([]);
      });
    });
  }

  it("says what i18next's own t says, for every key in every locale", () => {
    for (const locale of SUPPORTED_LOCALES) {
      const m = messagesFor(locale);
      for (const key of englishBases) {
        const names = placeholders(english[key] ?? english[`${key}_other`] ?? '');
        for (const count of [0, 1, 2, 3, 5, 11, 21, 1234, 1_000_000]) {
          const values: Record<string, string | number> = {};
          for (const name of names) values[name] = name === 'count' ? count : `<${name} ${count}>`;
          const fast = (m.t as (k: string, v: object) => string)(key, values);
          expect(fast, `${locale} ${key} ${count}`).toBe(m.reference(key, values));
        }
      }
    }
  });

  it('formats numbers and picks plural forms in the reader’s locale', () => {
    expect(messagesFor('en-US').t('profile.mastered', { count: 1234 })).toBe('1,234 mastered');
    expect(messagesFor('de').t('profile.rankOf', { rank: 1234, total: 56789 })).toBe(
      'Platz 1.234 von 56.789',
    );
    expect(messagesFor('pt-BR').t('profile.mastered', { count: 1 })).toBe('1 masterizado');
    expect(messagesFor('pt-BR').t('profile.mastered', { count: 2 })).toBe('2 masterizados');
    expect(messagesFor('es-419').count(1234)).toBe('1,234');
    expect(messagesFor('es-ES').count(12345)).toBe('12.345');
  });

  it('can speak a language with Polish-style plural rules (one, few, many)', () => {
    const polish = {
      ...en,
      'profile.mastered_one': '{{count, number}} opanowana',
      'profile.mastered_few': '{{count, number}} opanowane',
      'profile.mastered_many': '{{count, number}} opanowanych',
      'profile.mastered_other': '{{count, number}} opanowanej',
    };
    const pl = createMessages('pl', polish);
    const say = (count: number) => pl.t('profile.mastered', { count });
    expect([say(1), say(3), say(22), say(5), say(12), say(1.5)]).toEqual([
      '1 opanowana',
      '3 opanowane',
      '22 opanowane',
      '5 opanowanych',
      '12 opanowanych',
      // `count` is formatted without decimals; the form is still the fraction's ("other").
      '2 opanowanej',
    ]);
  });
});

describe('who reads which language', () => {
  it("a reply uses the invoker's Discord locale when supported, else the server's language", () => {
    expect(replyLocale('pt-BR', 'de')).toBe('pt-BR');
    expect(replyLocale('ja', 'de')).toBe('de');
    expect(replyLocale(undefined, 'fr')).toBe('fr');
  });

  it("a post uses the server's chosen language, else its preferred locale when supported, else English", () => {
    expect(serverLocale('fr', 'de')).toBe('fr');
    expect(serverLocale(null, 'de')).toBe('de');
    expect(serverLocale(null, 'ko')).toBe('en-US');
    expect(serverLocale('xx', null)).toBe('en-US');
  });
});

describe('slash commands', () => {
  it('carry a description in every supported language for every command, option and choice', async () => {
    const { createCommands } = await import('../../commands/index.js');
    const LANGUAGE_NAMES = new Set<string>(SUPPORTED_LOCALES);
    const missing: string[] = [];
    type Node = {
      name: string;
      description?: string;
      description_localizations?: Record<string, string> | null;
      options?: Node[];
      choices?: {
        name: string;
        value: string | number;
        name_localizations?: Record<string, string> | null;
      }[];
    };
    const others = SUPPORTED_LOCALES.filter((l) => l !== 'en-US').sort();
    const walk = (node: Node, path: string) => {
      if (
        Object.keys(node.description_localizations ?? {})
          .sort()
          .join() !== others.join()
      )
        missing.push(path);
      for (const c of node.choices ?? []) {
        // The languages of /settings language are named in themselves, the same for every reader.
        if (LANGUAGE_NAMES.has(String(c.value))) continue;
        if (
          Object.keys(c.name_localizations ?? {})
            .sort()
            .join() !== others.join()
        )
          missing.push(`${path}=${c.value}`);
      }
      for (const o of node.options ?? []) walk(o, `${path} ${o.name}`);
    };
    for (const command of createCommands()) walk(command.data as unknown as Node, `/${command.data.name}`);
    expect(missing).toEqual([]);
  });
});
