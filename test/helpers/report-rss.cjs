// Preloaded with `node --require` by tests that measure a CLI run's memory: on exit, writes the
// process's peak resident set size (MiB) to the file named by FIREBREAK_TEST_RSS_FILE.
'use strict';
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.FIREBREAK_TEST_RSS_FILE;
  if (file) writeFileSync(file, String(Math.round(process.resourceUsage().maxRSS / 1024)));
});
