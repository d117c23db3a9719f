/**
 * `npm run bench`: runs every benchmark section in its own Node process (so one section's memory
 * and CPU don't colour another's), prints one table of figures against their targets, and writes
 * bench/results.json with the machine it ran on.
 *
 *   npm run bench                          all sections (~3-4 minutes)
 *   npm run bench -- --only poll,store     some sections
 *   npm run bench -- --cycles 3 --rps 100 --latency 80 --ra-max-concurrency 16 --user-concurrency 16
 *
 * Figures are medians/percentiles of repeated runs; nothing here is a pass/fail test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, type Figure, forkTs, machineInfo, type SectionResult } from './lib.js';

const SECTIONS: { name: string; file: string; what: string }[] = [
  { name: 'store', file: 'store.ts', what: 'detect + persist against stored earned rows; database size' },
  { name: 'progress', file: 'progress.ts', what: '/progress data -> payload (render + badge grid)' },
  { name: 'progress-e2e', file: 'progress-e2e.ts', what: '/progress end to end through discord.js' },
  { name: 'poll', file: 'poll-cycle.ts', what: 'poll cycle: 1,000 users, 200 servers' },
  { name: 'startup', file: 'startup.ts', what: 'start-up to ready; idle RSS' },
  {
    name: 'guild-memory',
    file: 'guild-memory.ts',
    what: 'RSS after READY at 10 and 2,500 servers: the bot client vs a default-cache client (~4 minutes)',
  },
  {
    name: 'latency',
    file: 'latency.ts',
    what: 'unlock -> announcement latency, 250/1,000/5,000 users, compressed time (~15 minutes)',
  },
  { name: 'catalogue', file: 'catalogue.ts', what: 'game catalogue: refresh, size, autocomplete' },
  {
    name: 'loop-turns',
    file: 'loop-turns.ts',
    what: 'one event-loop turn at 5,000 users / 500 servers: poll targets, digest check, 500 digests due',
  },
];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function runSection(file: string, args: string[]): Promise<SectionResult> {
  return new Promise((resolve, reject) => {
    const child = forkTs(join(BENCH_DIR, file), args);
    let result: SectionResult | undefined;
    child.on('message', (msg: { type?: string; result?: SectionResult }) => {
      if (msg.type === 'result') result = msg.result;
    });
    child.on('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`${file} exited with code ${code} without a result`));
    });
  });
}

function formatValue(f: Figure): string {
  const digits = Math.abs(f.value) >= 100 ? 0 : Math.abs(f.value) >= 10 ? 1 : 2;
  return `${f.value.toFixed(digits)} ${f.unit}`;
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.section,
    f.name,
    formatValue(f),
    f.target || '-',
    f.pass === null ? '' : f.pass ? 'PASS' : 'MISS',
  ]);
  const header = ['section', 'figure', 'value', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  const notes = figures.filter((f) => f.note);
  if (notes.length > 0) {
    console.log('\nnotes:');
    for (const f of notes) console.log(`  ${f.name}: ${f.note}`);
  }
}

async function main(): Promise<void> {
  const only = option('only')?.split(',');
  const chosen = SECTIONS.filter((s) => !only || only.includes(s.name));
  const machine = machineInfo();
  const passThrough = process.argv
    .slice(2)
    .filter((_, i, all) => all[i] !== '--only' && all[i - 1] !== '--only');
  console.log(
    `cheevobot bench on ${machine.cpuModel} x${machine.cores}, ${machine.memoryTotalMb} MB, node ${machine.node}, ${machine.os}\n`,
  );
  const started = performance.now();
  const results: SectionResult[] = [];
  const failures: string[] = [];
  for (const section of chosen) {
    const sectionStarted = performance.now();
    console.log(`> ${section.name}: ${section.what}`);
    try {
      results.push(await runSection(section.file, passThrough));
    } catch (error) {
      failures.push(`${section.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    console.log(`  (${((performance.now() - sectionStarted) / 1000).toFixed(1)} s)`);
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const figures = results.flatMap((r) => r.figures);
  console.log('');
  printTable(figures);
  console.log(`\ntotal ${totalSeconds.toFixed(0)} s`);
  for (const failure of failures) console.error(`FAILED ${failure}`);

  const out = {
    generatedBy: 'npm run bench (bench/run.ts)',
    machine,
    args: process.argv.slice(2),
    totalSeconds: Math.round(totalSeconds),
    figures,
    sections: Object.fromEntries(
      results.map((r) => [r.section === 'progress' ? sectionKey(r) : r.section, r.details]),
    ),
    failures,
  };
  const target = only ? join(BENCH_DIR, 'results.local.json') : join(BENCH_DIR, 'results.json');
  writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${target}`);
  if (failures.length > 0) process.exitCode = 1;
}

/** Both /progress sections report as 'progress'; their details are kept apart. */
function sectionKey(result: SectionResult): string {
  return (result.details as { e2e?: unknown }).e2e ? 'progress-e2e' : 'progress';
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
