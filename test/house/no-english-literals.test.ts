/**
 * No sentence a user reads is built from an English string literal in render/ or commands/: it
 * comes from the message catalogue (src/i18n/locales/). This reads the source with TypeScript's
 * parser and flags every string or template literal that looks like English words (two or more
 * words, or one capitalised word), outside what is allowed: log lines, internal errors, ids,
 * option names, catalogue keys. Builder descriptions (`setDescription`) are allowed: the catalogue
 * overwrites them at registration (test/i18n/catalogue.test.ts checks each has its translations).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/**
 * Files still to convert, each with English sentences left (none left: every file is converted;
 * a file listed here is skipped by the first check). The test fails when one of them is clean:
 * then it leaves this list.
 */
const PENDING = new Set<string>([]);

/** Calls whose string arguments are never shown to a user. */
const ALLOWED_CALLS =
  /^(?:[\s\S]*\.)?(?:debug|info|warn|error|trace|fatal|setName|setDescription|addChoices|gameOption|getString|getSubcommand|getBoolean|getInteger|getChannel|getUser|getRole|get|startsWith|endsWith|includes|split|join|replace|localeCompare|padStart|toLocaleString)$/;
const ALLOWED_NEW = /^(?:Error|RangeError|TypeError|Intl\.\w+)$/;

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The text a literal contributes, `${…}` replaced by a neutral placeholder. */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' 0 ');
  }
  return null;
}

/** English words: two or more in a row, or one capitalised word of three letters or more. */
function looksEnglish(text: string): boolean {
  const words = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/`[^`]*`/g, ' 0 ');
  return /\b[A-Za-z][a-z’']+\s+[A-Za-z][a-z’']*\b/.test(words) || /(?:^|[^\w.])[A-Z][a-z]{2,}\b/.test(words);
}

function isAllowedContext(node: ts.Node): boolean {
  for (let at: ts.Node = node; at.parent; at = at.parent) {
    const parent = at.parent;
    if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)) return true;
    if (ts.isLiteralTypeNode(parent)) return true;
    if (ts.isPropertyAssignment(parent) && parent.name === at) return true;
    if (ts.isCallExpression(parent) && parent.expression !== at) {
      if (ALLOWED_CALLS.test(parent.expression.getText())) return true;
    }
    if (ts.isNewExpression(parent) && ALLOWED_NEW.test(parent.expression.getText())) return true;
    if (ts.isBlock(parent) || ts.isSourceFile(parent)) return false;
  }
  return false;
}

function englishLiterals(path: string): string[] {
  const source = ts.createSourceFile(
    path,
    readFileSync(join(ROOT, path), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const text = literalText(node);
    if (text !== null) {
      if (looksEnglish(text) && !isAllowedContext(node)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${path}:${line + 1} ${JSON.stringify(text.slice(0, 60))}`);
      }
      if (!ts.isTemplateExpression(node)) return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const SCANNED = [...files('src/render'), ...files('commands')].map((p) => relative(ROOT, join(ROOT, p)));

describe('no English sentence outside the catalogue', () => {
  it('render/ and commands/ build no user-facing English from string literals', () => {
    const found = SCANNED.filter((p) => !PENDING.has(p)).flatMap(englishLiterals);
    expect(found).toEqual([]);
  });

  it('every file still listed as pending still has English to convert', () => {
    const clean = [...PENDING].filter((p) => englishLiterals(p).length === 0);
    expect(clean).toEqual([]);
  });

  it('catches a planted sentence (the check can fail)', () => {
    const planted = ts.createSourceFile(
      'x.ts',
      "reply('Nothing to see here.');",
      ts.ScriptTarget.Latest,
      true,
    );
    const literal = (planted.statements[0] as ts.ExpressionStatement).expression as ts.CallExpression;
    const text = literalText(literal.arguments[0]!);
    expect(text !== null && looksEnglish(text) && !isAllowedContext(literal.arguments[0]!)).toBe(true);
  });
});
