/**
 * Shared helpers for the benchmarks: statistics, the machine description, a seeded PRNG, and
 * the parent/child protocol each section uses to hand its figures back to `bench/run.ts`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { cpus, freemem, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
export const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

/** Nearest-rank percentile (p in 0-100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(values: readonly number[]): {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
} {
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Deterministic PRNG (mulberry32): the same seed gives the same world and activity. */
export function prng(seed: number): {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
} {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

// ---------------------------------------------------------------------------------------------
// Machine
// ---------------------------------------------------------------------------------------------

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryTotalMb: number;
  memoryFreeMbAtStart: number;
  node: string;
  os: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryTotalMb: Math.round(totalmem() / 2 ** 20),
    memoryFreeMbAtStart: Math.round(freemem() / 2 ** 20),
    node: process.version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Figures and the section protocol
// ---------------------------------------------------------------------------------------------

/** One line of the results table. */
export interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** e.g. "<= 50 ms"; empty when the figure is informational. */
  target: string;
  /** null: no target. */
  pass: boolean | null;
  note?: string;
}

export interface SectionResult {
  section: string;
  figures: Figure[];
  details: unknown;
}

export function figure(
  section: string,
  name: string,
  value: number,
  unit: string,
  target?: { text: string; ok: boolean },
  note?: string,
): Figure {
  return {
    section,
    name,
    value: round(value, 3),
    unit,
    target: target?.text ?? '',
    pass: target ? target.ok : null,
    ...(note ? { note } : {}),
  };
}

/** Called by a section script: reports to the parent over IPC, or prints when run directly. */
export function report(result: SectionResult): void {
  if (process.send) process.send({ type: 'result', result });
  else console.log(JSON.stringify(result, null, 2));
}

export function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

/** Samples RSS on an interval; `stop()` returns the peak seen (MB). */
export function rssSampler(everyMs = 20): { stop(): number; peak(): number; reset(): void } {
  let peak = process.memoryUsage.rss();
  let windowPeak = peak;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    peak = Math.max(peak, rss);
    windowPeak = Math.max(windowPeak, rss);
  }, everyMs);
  timer.unref();
  return {
    /** Peak since the last reset (MB). */
    peak: () => Math.max(windowPeak, process.memoryUsage.rss()) / 2 ** 20,
    reset: () => {
      windowPeak = process.memoryUsage.rss();
    },
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;
    },
  };
}

/** Starts a TypeScript file in a child Node process (through tsx) with an IPC channel. */
export function forkTs(file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return fork(file, args, {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** A request/response channel over a child's IPC: `call(op, args)` resolves with its answer. */
export function ipcClient(child: ChildProcess): {
  call<T>(op: string, args?: unknown): Promise<T>;
  waitFor<T>(type: string): Promise<T>;
} {
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const waiters = new Map<string, (v: unknown) => void>();
  child.on('message', (raw) => {
    const msg = raw as { type?: string; id?: number; ok?: boolean; value?: unknown; error?: string };
    if (msg.id !== undefined && pending.has(msg.id)) {
      const p = pending.get(msg.id)!;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(msg.error ?? 'child call failed'));
    } else if (msg.type && waiters.has(msg.type)) {
      waiters.get(msg.type)!(msg.value);
      waiters.delete(msg.type);
    }
  });
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`child exited (${code})`));
    pending.clear();
  });
  return {
    call<T>(op: string, args?: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, op, args });
      });
    },
    waitFor<T>(type: string): Promise<T> {
      return new Promise<T>((resolve) => waiters.set(type, resolve as (v: unknown) => void));
    },
  };
}

/** Reads a numeric option from `--name value` or the environment (`BENCH_NAME`). */
export function numberOption(name: string, fallback: number): number {
  const flag = process.argv.indexOf(`--${name}`);
  const raw =
    flag >= 0 ? process.argv[flag + 1] : process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? value : fallback;
}
