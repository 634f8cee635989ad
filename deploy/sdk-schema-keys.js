'use strict';
/**
 * esbuild plugin that lets the bundler drop the AWS SDK schemas a function never uses.
 *
 * Each SDK v3 client describes every shape of its API in one generated module,
 * dist-es/schemas/schemas_0.js: `export var X$ = [3, n0, _X, 0, [...], [[0, { [_xN]: _x }]]]`.
 * The trait objects use computed keys whose names are module constants (`const _xN = "xmlName"`),
 * and esbuild cannot prove a computed key free of side effects (converting a key to a string may
 * run code), so it keeps every schema that has one. For EC2 that is 540 KB of the 1.3 MB bundle,
 * and parsing it was most of the handlers' cold start.
 *
 * Replacing `[_xN]:` with the constant's own string literal (`"xmlName":`) builds the same object
 * and leaves nothing esbuild must keep; test/deploy/sdk-schema-keys.test.ts checks that every
 * schema of every bundled client is structurally identical with and without the rewrite.
 * Only keys that name a `const _x = "literal";` of the same module are rewritten; anything else is
 * left as written.
 */
const { readFile } = require('node:fs/promises');

const SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;
// A computed key opens an object literal or follows a comma inside one; `a[_x] : b` (a member
// access in a conditional) has an operand before the bracket and is not matched.
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\]:/g;

/** The module's source with every computed key that names one of its string constants inlined. */
function inlineSchemaKeys(source) {
  const constants = new Map();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) constants.set(name, literal);
  return source.replace(COMPUTED_KEY, (match, before, name) =>
    constants.has(name) ? `${before}${constants.get(name)}:` : match,
  );
}

const sdkSchemaKeys = {
  name: 'sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
      contents: inlineSchemaKeys(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

module.exports = { sdkSchemaKeys, inlineSchemaKeys, SCHEMA_MODULE };
