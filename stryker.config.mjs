// Mutation testing of the core modules (`npm run test:mutation`, scripts/mutation.mjs, runs the
// `groups` below one by one, each against its focused test files; not part of `npm test` or CI).
// This default export is the base of every group's run, and on its own (`npx stryker run`) the
// whole set at once, which takes hours:
// StrykerJS mutates the TypeScript sources in a sandbox, compiles them once with every mutant
// behind a switch (mutant schemata), and runs the compiled node:test files that cover each mutant
// (the tap runner: one test per file, coverage per file). Slow on two cores, so it runs with one
// test process and `incremental`: a later run re-tests only mutants whose code or covering tests
// changed. The scores per module, and the survivors judged equivalent, are in docs/testing.md.
//
// Known limit: in the sandbox `@roomchat/sdk` still resolves to the workspace's unmutated copy
// (node_modules is linked, not copied), so SDK mutants are killed only by the SDK's own tests,
// never through the server's integration tests.
/**
 * The module groups `npm run test:mutation` (scripts/mutation.mjs) runs one by one, each against
 * the test files that exercise it (compiled, under packages/server/dist/src/ unless a path is
 * given), cheapest first: Stryker runs a mutant's covering files in this order and stops at the
 * first that fails. A focused list keeps a run of a group within minutes instead of hours; the
 * scores in docs/testing.md are against these files.
 */
export const groups = {
  writers: {
    mutate: ['packages/server/src/messages.ts', 'packages/server/src/message-writer.ts', 'packages/server/src/sqlite-message-writer.ts'],
    tests: ['messages', 'message-batches', 'message-writer', 'client-ids', 'history-extras', 'message-writer-nodes', 'sqlite-message-writer', 'retention', 'private-rooms'],
  },
  // The send path's use cases; the socket layer in front of them is `connection` (one group of both
  // took over two hours here: a survivor runs every file of its group).
  send: {
    mutate: ['packages/server/src/chat/{sending,actor,room-log,in-flight,mentions,targets,events}.ts'],
    tests: ['chat/mentions', 'chat/events', 'chat/actor', 'socket-requests', 'message-changes', 'http', 'errors', 'realtime', 'chat', 'event-log', 'moderation/moderation', 'moderation', 'moderation/hook'],
  },
  connection: {
    mutate: ['packages/server/src/realtime/connection.ts'],
    tests: ['socket-requests', 'connection-answers', 'auth-refresh', 'conversation-list', 'message-changes', 'private-rooms', 'conversations', 'search', 'errors', 'realtime', 'abuse', 'moderation', 'chat', 'identity'],
  },
  // The use cases' facade (open, join, leave, create, upload), which the send path goes through.
  chat: {
    mutate: ['packages/server/src/chat/chat.ts'],
    tests: ['chat/events', 'http', 'errors', 'realtime', 'chat'],
  },
  changes: {
    mutate: ['packages/server/src/chat/{changes,read-positions}.ts'],
    tests: ['chat/read-positions', 'message-changes', 'app-api', 'conversations', 'event-log'],
  },
  access: {
    mutate: ['packages/server/src/chat/{access,conversations}.ts'],
    tests: ['chat/access', 'conversation-list', 'conversations', 'private-rooms', 'app-api'],
  },
  'rate-limits': { mutate: ['packages/server/src/rate-limits.ts'], tests: ['rate-limits', 'presence'] },
  presence: { mutate: ['packages/server/src/presence.ts'], tests: ['presence'] },
  sdk: {
    mutate: ['packages/sdk/src/outbox.ts', 'packages/sdk/src/timeline.ts', 'packages/sdk/src/room.ts', 'packages/sdk/src/room-log-calls.ts', 'packages/sdk/src/room-activity-calls.ts'],
    tests: ['packages/sdk/dist/**/*.test.js'],
  },
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    // The send path
    'packages/server/src/chat/*.ts',
    'packages/server/src/realtime/connection.ts',
    'packages/server/src/messages.ts',
    // Storage writers
    'packages/server/src/message-writer.ts',
    'packages/server/src/sqlite-message-writer.ts',
    // Rate limits and presence
    'packages/server/src/rate-limits.ts',
    'packages/server/src/presence.ts',
    // The SDK: the outbox, the timeline, and the room's retry, backoff, expiry and leave
    'packages/sdk/src/outbox.ts',
    'packages/sdk/src/timeline.ts',
    'packages/sdk/src/room.ts',
    // Split out of room.ts: its catch-up and read positions, mutated as they were there
    'packages/sdk/src/room-log-calls.ts',
    'packages/sdk/src/room-activity-calls.ts',
  ],
  testRunner: 'tap',
  tap: {
    // The functional suites (a glob here has no negation). Left out, for time (each surviving mutant runs every file that covers
    // it, and these take 5-12 s each): the fault suites (delivery, cluster: SIGKILLs, outages),
    // the CLI, migrations, and the SQLite file-layout tests (WAL size, statement cache, lock waits).
    testFiles: ['packages/sdk/dist/**/*.test.js', 'packages/server/dist/src/{chat,errors,messages,message-batches,sqlite-message-writer,event-log,http,realtime,presence,rate-limits}.test.js'],
    nodeArgs: ['--enable-source-maps', '-r', '{{hookFile}}', '{{testFile}}'],
    // Stop a test file at its first failing test: the mutant is killed either way.
    forceBail: true,
  },
  buildCommand: 'npx tsc -b packages/sdk packages/server',
  coverageAnalysis: 'perTest',
  // A mutant in a module-level constant or field initializer runs when the module loads, so every
  // test file "covers" it; running the whole suite for each of those would take hours here.
  ignoreStatic: true,
  concurrency: 1,
  timeoutMS: 20_000,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  ignorePatterns: ['bench/results', 'reports', 'data', 'test-artifacts', 'packages/widget/dist', '.stryker-tmp*'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
