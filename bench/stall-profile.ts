/**
 * Finds the bot's own long synchronous runs in a CPU profile of the simulation's bot process
 * (`SIM_BOT_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" npm run simulate ...`, see bench/README.md,
 * "Finding a stall"): every stretch of consecutive on-CPU samples (anything but "(idle)") of at
 * least `--min` ms (default 50), longest first, each with what it was made of: garbage collection,
 * the project's own functions (inclusive: a sample counts for every src/ frame on its stack) and
 * the innermost frames (self time).
 *
 *   npx tsx bench/stall-profile.ts DIR/CPU.....cpuprofile [--min 50] [--top 15]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface BusyRun {
  /** Real ms from the profile's start. */
  startMs: number;
  ms: number;
  gcMs: number;
  /** Project functions (src/), inclusive ms, most first. */
  own: [string, number][];
  /** Innermost frames, self ms, most first. */
  self: [string, number][];
}

const frameName = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

export function busyRuns(profile: Profile, minMs: number, top = 12): BusyRun[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const runs: BusyRun[] = [];
  let t = 0;
  let current: {
    start: number;
    ms: number;
    gc: number;
    own: Map<string, number>;
    self: Map<string, number>;
    entry: string;
  } | null = null;
  const close = () => {
    if (current && current.ms >= minMs) {
      const sorted = (m: Map<string, number>) =>
        [...m.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, top)
          .map(([k, v]) => [k, Math.round(v)] as [string, number]);
      runs.push({
        startMs: Math.round(current.start),
        ms: Math.round(current.ms),
        gcMs: Math.round(current.gc),
        own: sorted(current.own),
        self: sorted(current.self),
      });
    }
    current = null;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's time is the gap to the next one (the stack held until then).
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    t += (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]!)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      close();
      continue;
    }
    // The frame under (root) names the kind of task: a new one (other than the microtasks
    // after a callback, or GC and native samples with no JS stack) starts a new run, because the
    // loop may have turned in between (the profile can't tell; the runs are then an upper bound).
    let entry = node.id;
    while (parent.has(entry) && parent.has(parent.get(entry)!)) entry = parent.get(entry)!;
    const entryName = byId.get(entry)!.callFrame.functionName;
    const continues =
      !parent.has(node.id) ||
      entry === node.id ||
      entryName === 'processTicksAndRejections' ||
      entryName === (current as { entry: string } | null)?.entry;
    if (current && !continues) close();
    current ??= { start: t, ms: 0, gc: 0, own: new Map(), self: new Map(), entry: entryName };
    current.ms += dt;
    if (name === '(garbage collector)') current.gc += dt;
    const self = frameName(node);
    current.self.set(self, (current.self.get(self) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      if (!n.callFrame.url.includes('/src/')) continue;
      const f = frameName(n);
      if (seen.has(f)) continue;
      seen.add(f);
      current.own.set(f, (current.own.get(f) ?? 0) + dt);
    }
  }
  close();
  return runs.sort((a, b) => b.ms - a.ms);
}

if (process.argv[1]?.endsWith('stall-profile.ts')) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: stall-profile.ts FILE.cpuprofile [--min 50] [--top 15]');
  const opt = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const runs = busyRuns(profile, opt('min', 50));
  const show = opt('top', 15);
  process.stdout.write(`${runs.length} on-CPU runs of ${opt('min', 50)} ms or more\n`);
  for (const run of runs.slice(0, show)) {
    process.stdout.write(
      `\n== ${run.ms} ms at +${(run.startMs / 1000).toFixed(1)} s real (GC ${run.gcMs} ms)\n`,
    );
    process.stdout.write('  own (inclusive):\n');
    for (const [f, ms] of run.own) process.stdout.write(`    ${String(ms).padStart(5)} ${f}\n`);
    process.stdout.write('  self:\n');
    for (const [f, ms] of run.self.slice(0, 8)) process.stdout.write(`    ${String(ms).padStart(5)} ${f}\n`);
  }
}
