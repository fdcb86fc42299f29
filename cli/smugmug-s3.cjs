#!/usr/bin/env node
// The `smugmug-s3` command: runs the TypeScript CLI through tsx, a dependency of the package.
require('tsx/cjs');
require('./main.ts');
