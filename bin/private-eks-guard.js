#!/usr/bin/env node
'use strict';
// Compiled by `npm ci` (the prepare script); the TypeScript sources live in cli/.
require('../dist/cli/main.js').main(process.argv.slice(2));
