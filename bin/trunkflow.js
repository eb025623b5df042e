#!/usr/bin/env node
// Entry point for `npx trunkflow`: runs the compiled CLI (built by `npm install` through `prepare`).
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  console.error(`trunkflow: ${main} is missing; run "npm run build" first`);
  process.exit(1);
}
require(main);
