// `npm run test:mutation [-- group... ] [-- --force]`: runs StrykerJS over each module group of
// stryker.config.mjs (`groups`) in turn, against that group's focused test files, each group with
// its own incremental file and reports in reports/mutation/<group>.{json,html}. With no group
// named, all of them. `--force` re-tests every mutant instead of reusing the last run's results.
import { Stryker } from '@stryker-mutator/core';
import base, { groups } from '../stryker.config.mjs';

const args = process.argv.slice(2);
const force = args.includes('--force');
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((name) => !(name in groups));
if (unknown.length) {
  console.error(`Unknown group(s): ${unknown.join(', ')}. Groups: ${Object.keys(groups).join(', ')}`);
  process.exit(2);
}
const testFile = (t) => (t.includes('/') && t.endsWith('.js') ? t : `packages/server/dist/src/${t}.test.js`);

let failed = false;
for (const name of named.length ? named : Object.keys(groups)) {
  const { mutate, tests } = groups[name];
  console.log(`\nMutation testing: ${name} (${mutate.join(', ')})`);
  const results = await new Stryker({
    ...base,
    mutate,
    tap: { ...base.tap, testFiles: tests.map(testFile) },
    force,
    incrementalFile: `reports/mutation/${name}-incremental.json`,
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    tempDirName: `.stryker-tmp-${name}`,
  }).runMutationTest();
  if (!results) failed = true;
}
process.exit(failed ? 1 : 0);
