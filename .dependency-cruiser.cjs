/**
 * The house's layers, kept by `npm run lint` (see README, "Development").
 *
 *   util, log, config, version   the ground floor: no project imports but each other
 *   domain/                      the domain's own types (payloads, detections, subscriptions)
 *   i18n/                        the message catalogue and locale choice: imports only the ground floor
 *   ra/                          RetroAchievements: HTTP client, rate gate, normalize, media
 *   store/                       SQLite: the only place that writes SQL
 *   render/                      pure: data in, Discord payloads out (no store, no network)
 *   tracking/ community/ catalogue/ metrics/ discord/   features and the Discord shell
 *   commands/                    one file per slash command, plus commands/shared/
 *   app.ts, main.ts, ...         composition roots
 */
const LOWER = '^src/(ra|store|domain)/';
const GROUND = '^src/(util/|log\\.ts$|config\\.ts$|version\\.ts$)';
// Every other folder of src/ is a feature (tracking, community, catalogue, routing, metrics, ...),
// render/ or the Discord shell: higher floors, whatever new one is added.
const HIGHER = '^(src/(?!(ra|store|domain|util|i18n)/)[^/]+/|commands/|src/[^/]+\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: split the shared part out into a module both can import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lower-imports-higher',
      severity: 'error',
      comment:
        'ra/, store/ and domain/ are lower floors: they never import features, render, Discord or commands.',
      from: { path: LOWER },
      to: { path: HIGHER, pathNot: GROUND },
    },
    {
      name: 'domain-stays-neutral',
      severity: 'error',
      comment:
        "domain/ holds plain types: it may lean on RA's normalized types and nothing else of the project.",
      from: { path: '^src/domain/' },
      to: { path: '^(src|commands)/', pathNot: '^src/(domain/|ra/types\\.ts$)' },
    },
    {
      name: 'ground-floor',
      severity: 'error',
      comment: 'util/, log, config and version are imported by everyone and import no other floor.',
      from: { path: GROUND },
      to: { path: '^(src|commands)/', pathNot: GROUND },
    },
    {
      name: 'i18n-stands-alone',
      severity: 'error',
      comment:
        'i18n/ holds the catalogue and locale rules; render/ and commands/ import it, it imports no floor but the ground.',
      from: { path: '^src/i18n/' },
      to: { path: '^(src|commands)/', pathNot: `${GROUND}|^src/i18n/` },
    },
    {
      name: 'render-is-pure',
      severity: 'error',
      comment: 'render/ turns data into payloads: no database, no network, no Discord client, no features.',
      from: { path: '^src/render/' },
      to: {
        path: '^(src/(?!(ra|domain|util|i18n|render)/)[^/]+/|src/ra/(client|gate|lanes|media)|commands/)',
      },
    },
    {
      name: 'render-no-network-packages',
      severity: 'error',
      comment: 'render/ never opens a connection.',
      from: { path: '^src/render/' },
      to: { path: '(^|/)node_modules/(undici|@discordjs/rest|ws)/|^(node:)?(https?|net|tls|dgram)$' },
    },
    {
      name: 'commands-independent',
      severity: 'error',
      comment:
        'A command never imports another command: shared code goes in commands/shared/; a command split over files names them after itself (settings-members.ts).',
      from: { path: '^commands/([^/.-]+)[^/]*\\.ts$', pathNot: '^commands/(index\\.ts|shared/)' },
      to: { path: '^commands/', pathNot: ['^commands/shared/', '^commands/$1-[^/]+\\.ts$'] },
    },
    {
      name: 'commands-shared-stays-shared',
      severity: 'error',
      comment: 'commands/shared/ helps commands; it never imports one.',
      from: { path: '^commands/shared/' },
      to: { path: '^commands/', pathNot: '^commands/shared/' },
    },
    {
      name: 'only-the-roots-import-commands',
      severity: 'error',
      comment: 'Commands sit on top: src/ reaches them only through the composition roots.',
      from: { path: '^src/', pathNot: '^src/[^/]+\\.ts$' },
      to: { path: '^commands/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|commands|node_modules)',
    exclude: { path: '\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
