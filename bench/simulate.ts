/**
 * `npm run simulate`: a simulated day of the whole bot (see bench/sim/simulate.ts), printed as
 * figures against the issue's targets and written to bench/results.simulate.json.
 *
 *   npm run simulate                               24 simulated hours, 5,000 users, 500 servers
 *   npm run simulate -- --hours 6 --speed 60       a shorter day, slower clock
 *   npm run simulate -- --small                    the `npm test` version (300 users, 2 hours)
 *   npm run simulate -- --out /tmp/day.json        write the results there instead
 *   npm run simulate -- --grace 240                wait up to 240 simulated minutes after the day for the last posts
 *   npm run simulate -- --users 1000 --servers 100 --followers 2000 --catalogue 10000 --seed 7
 *
 * The figures are measurements of one run on this machine, not a pass/fail test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, type Figure, figure, machineInfo, numberOption } from './lib.js';
import {
  DAY_OPTIONS,
  runSimulation,
  type SimOptions,
  type SimReport,
  SMALL_OPTIONS,
} from './sim/simulate.js';

const SECTION = 'simulate';

function optionsFromArgs(): SimOptions {
  const base = process.argv.includes('--small') ? SMALL_OPTIONS : DAY_OPTIONS;
  return {
    ...base,
    seed: numberOption('seed', base.seed),
    speed: numberOption('speed', base.speed),
    hours: numberOption('hours', base.hours),
    users: numberOption('users', base.users),
    servers: numberOption('servers', base.servers),
    followers: numberOption('followers', base.followers),
    catalogueTitles: numberOption('catalogue', base.catalogueTitles),
    graceMinutes: numberOption('grace', base.graceMinutes),
    // The AotW changes a little before the middle of whatever window runs.
    aotwChangeAfterMs: Math.min(base.aotwChangeAfterMs, numberOption('hours', base.hours) * 0.4 * 3_600_000),
    verbose: true,
  };
}

export function simulationFigures(r: SimReport): Figure[] {
  const f = (
    name: string,
    value: number,
    unit: string,
    target?: { text: string; ok: boolean },
    note?: string,
  ) => figure(SECTION, name, value, unit, target, note);
  const catalogueMin = r.catalogue.finishedAfterMin ?? Number.NaN;
  const catalogueComplete = r.catalogue.storedTitles >= r.catalogue.titles;
  return [
    f('unlocks made (per channel, summed)', r.unlocks.made, ''),
    f('unlocks announced', r.unlocks.announced, ''),
    f('unlocks lost (not posted by the end)', r.unlocks.lost, '', { text: '0', ok: r.unlocks.lost === 0 }),
    f(
      'unlocks not posted within 60 min after the day',
      r.unlocks.unpostedAtDayPlus60,
      '',
      undefined,
      'late, not lost when the line above is 0: users nobody watches wait for the round',
    ),
    f('last unlock posted, after the day', r.unlocks.lastPostAfterDayMin ?? Number.NaN, 'min'),
    f('unlocks duplicated', r.unlocks.duplicated, '', { text: '0', ok: r.unlocks.duplicated === 0 }),
    f('posts out of order (per channel and user)', r.unlocks.outOfOrder, '', {
      text: '0',
      ok: r.unlocks.outOfOrder === 0,
    }),
    f('posts naming an unlock never made', r.unlocks.unexpected, '', {
      text: '0',
      ok: r.unlocks.unexpected === 0,
    }),
    f('followers: unlock -> post median', r.latency.followers.medianS, 's', {
      text: '<= 20 s',
      ok: r.latency.followers.medianS <= 20,
    }),
    f('followers: unlock -> post p95', r.latency.followers.p95S, 's', {
      text: '<= 60 s',
      ok: r.latency.followers.p95S <= 60,
    }),
    f(
      "followed by the bot's account only: unlock -> post median",
      r.latency.followedByBot.medianS,
      's',
      { text: '<= 20 s (as followers)', ok: r.latency.followedByBot.medianS <= 20 },
      `${r.latency.followedByBot.n} unlocks`,
    ),
    f("followed by the bot's account only: unlock -> post p95", r.latency.followedByBot.p95S, 's', {
      text: '<= 60 s (as followers)',
      ok: r.latency.followedByBot.p95S <= 60,
    }),
    f('others: unlock -> post median', r.latency.others.medianS, 's'),
    f('others: unlock -> post p95', r.latency.others.p95S, 's'),
    f(
      'catalogue finished after the fresh start',
      catalogueMin,
      'min',
      { text: '<= 30 min, complete', ok: catalogueMin <= 30 && catalogueComplete },
      `${r.catalogue.storedTitles} of ${r.catalogue.titles} titles stored`,
    ),
    f('/link proofs correct and completed', r.linkProofs.correct, `of ${r.linkProofs.tried}`, {
      text: `${r.options.linkProofs}`,
      ok: r.linkProofs.correct === r.options.linkProofs,
    }),
    f('servers with exactly one digest', r.digests.exactlyOne, `of ${r.digests.servers}`, {
      text: `${r.digests.servers}`,
      ok:
        r.digests.exactlyOne === r.digests.servers &&
        Object.keys(r.digests.perServer).length === r.digests.servers,
    }),
    f('servers with exactly one AotW post', r.aotw.exactlyOne, `of ${r.aotw.servers}`, {
      text: `${r.aotw.servers}`,
      ok: r.aotw.exactlyOne === r.aotw.servers && Object.keys(r.aotw.perServer).length === r.aotw.servers,
    }),
    f(
      'RA: highest rate in any 10 s window',
      r.ra.peakRps10s,
      'req/s',
      { text: `<= ${r.ra.configuredRps}`, ok: r.ra.peakRps10s <= r.ra.configuredRps },
      `${r.ra.requests} requests; share by endpoint group: ${Object.entries(r.ra.shareByGroup)
        .map(([g, s]) => `${g} ${s}%`)
        .join(', ')}`,
    ),
    f(
      'RA: highest rate in any 10 s window, at the bot',
      r.ra.peakRps10sAtSend,
      'req/s',
      { text: `<= ${r.ra.configuredRps}`, ok: r.ra.peakRps10sAtSend <= r.ra.configuredRps },
      `${r.bot.raSends} requests sent (every attempt), timed as they left the client's rate gate`,
    ),
    f('longest event-loop stall (bot process)', r.bot.maxStallMs, 'ms', {
      text: '<= 100 ms',
      ok: r.bot.maxStallMs <= 100,
    }),
    f(
      'longest stall with the bot process on the CPU',
      r.bot.maxStallOnCpuMs,
      'ms',
      { text: '<= 100 ms', ok: r.bot.maxStallOnCpuMs <= 100 },
      `${r.bot.stallsOver100MsOnCpu} of ${r.bot.stallsOver100Ms} stalls over 100 ms used >= 80% of a core meanwhile (the rest: the process was not running)`,
    ),
    f('peak RSS (bot process)', r.bot.peakRssMb, 'MB'),
    f('commands answered', r.commands.answered, `of ${r.commands.sent}`),
    f(
      'late awards posted, granted within the feed overlap',
      r.awards.late.withinOverlap.posted,
      `of ${r.awards.late.withinOverlap.made}`,
      {
        text: `${r.awards.late.withinOverlap.made}`,
        ok: r.awards.late.withinOverlap.posted === r.awards.late.withinOverlap.made,
      },
      'granted 5-25 min after their date (README: announced up to 30 min late)',
    ),
    f(
      'late awards posted, granted 1-3 h after their date',
      r.awards.late.beyondOverlap.posted,
      `of ${r.awards.late.beyondOverlap.made}`,
      undefined,
      "beyond the feed's 30-minute overlap: caught only if the game is read for another reason",
    ),
    f(
      'real time taken',
      r.realSeconds,
      's',
      undefined,
      `${r.simulatedHours} simulated hours at ${r.options.speed}x`,
    ),
  ];
}

async function main(): Promise<void> {
  const options = optionsFromArgs();
  const machine = machineInfo();
  console.log(
    `cheevobot simulation on ${machine.cpuModel} x${machine.cores}, ${machine.memoryTotalMb} MB, node ${machine.node}: ${options.hours} h, ${options.users} users, ${options.servers} servers, ${options.speed}x`,
  );
  const report = await runSimulation(options);
  const figures = simulationFigures(report);
  for (const fig of figures) {
    const verdict = fig.pass === null ? '' : fig.pass ? 'PASS' : 'MISS';
    console.log(
      `${fig.name.padEnd(48)} ${String(fig.value).padStart(10)} ${fig.unit.padEnd(8)} ${(fig.target || '-').padEnd(22)} ${verdict}`,
    );
  }
  const out = {
    generatedBy: `npm run simulate (bench/simulate.ts) ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    figures,
    report,
  };
  const outIndex = process.argv.indexOf('--out');
  const file =
    outIndex >= 0
      ? process.argv[outIndex + 1]!
      : join(
          BENCH_DIR,
          process.argv.includes('--small') ? 'results.local.simulate.json' : 'results.simulate.json',
        );
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
