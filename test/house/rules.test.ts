/**
 * The house's rules (.dependency-cruiser.cjs, run by `npm run lint`) catch what they promise:
 * planted violations in a throwaway tree fail them, a tree that keeps the rules passes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type IViolation } from 'dependency-cruiser';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const houseRules = require('../../.dependency-cruiser.cjs') as {
  forbidden: unknown[];
};

const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** Writes `files` (path -> source) into a fresh folder and returns the rule breaks found there. */
async function violationsIn(files: Record<string, string>): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'cheevobot-house-'));
  trees.push(root);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  const previous = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(
      ['src', 'commands'].filter((dir) => Object.keys(files).some((f) => f.startsWith(dir))),
      {
        validate: true,
        ruleSet: { forbidden: houseRules.forbidden } as never,
        tsPreCompilationDeps: true,
      },
    );
    const output = result.output as { summary: { violations: IViolation[] } };
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  } finally {
    process.chdir(previous);
  }
}

describe('the house rules', () => {
  it('pass a tree where every import goes down a floor', async () => {
    expect(
      await violationsIn({
        'src/domain/detection.ts': 'export interface Detection { id: number }\n',
        'src/store/progress.ts':
          "import type { Detection } from '../domain/detection.ts';\nexport type Row = Detection;\n",
        'src/tracking/poller.ts':
          "import type { Row } from '../store/progress.ts';\nexport type Polled = Row;\n",
        'commands/shared/guards.ts': 'export const guard = 1;\n',
        'commands/track.ts':
          "import { guard } from './shared/guards.ts';\nimport { part } from './track-me.ts';\nexport const t = guard + part;\n",
        'commands/track-me.ts': 'export const part = 2;\n',
      }),
    ).toEqual([]);
  });

  it('refuse the store importing tracking (an upward import)', async () => {
    const found = await violationsIn({
      'src/tracking/detect.ts': 'export interface Detection { id: number }\n',
      'src/store/progress.ts':
        "import type { Detection } from '../tracking/detect.ts';\nexport type Row = Detection;\n",
    });
    expect(found).toEqual(['lower-imports-higher: src/store/progress.ts -> src/tracking/detect.ts']);
  });

  it('refuse the store importing a feature folder added later (any folder of src/ but the lower floors)', async () => {
    const found = await violationsIn({
      'src/competitions/points.ts': 'export const PARTICIPATION = 1;\n',
      'src/store/challenges.ts':
        "import { PARTICIPATION } from '../competitions/points.ts';\nexport const p = PARTICIPATION;\n",
    });
    expect(found).toEqual(['lower-imports-higher: src/store/challenges.ts -> src/competitions/points.ts']);
  });

  it('refuse an import circle', async () => {
    const found = await violationsIn({
      'src/store/db.ts': "import { all } from './migrations.ts';\nexport const count = all.length;\n",
      'src/store/migrations.ts': "import { count } from './db.ts';\nexport const all = [count];\n",
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^no-circular: src\/store\/(db|migrations)\.ts -> src\/store\/(db|migrations)\.ts$/,
      ),
    ]);
  });

  it('refuse render reading the store or the network', async () => {
    const found = await violationsIn({
      'src/store/players.ts': 'export const players = [];\n',
      'src/render/game.ts':
        "import { players } from '../store/players.ts';\nimport { createServer } from 'node:http';\nexport const x = [players, createServer];\n",
    });
    expect(found).toEqual([
      'render-is-pure: src/render/game.ts -> src/store/players.ts',
      'render-no-network-packages: src/render/game.ts -> http',
    ]);
  });

  it('refuse a command importing another command (shared helpers and its own parts are fine)', async () => {
    const found = await violationsIn({
      'commands/shared/guards.ts': 'export const guard = 1;\n',
      'commands/link.ts': "import { guard } from './shared/guards.ts';\nexport const link = guard;\n",
      'commands/track.ts': "import { link } from './link.ts';\nexport const t = link;\n",
    });
    expect(found).toEqual(['commands-independent: commands/track.ts -> commands/link.ts']);
  });
});
