#!/usr/bin/env node
// The `kubeside` command: a thin launcher for the bundled CLI (built by `npm run build`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('kubeside: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(2);
}
require(cli).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`kubeside: ${err && err.stack || err}\n`); process.exitCode = 1; },
);
