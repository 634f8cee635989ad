'use strict';
// serverless-esbuild's `custom.esbuild.plugins` file: the esbuild plugins every function is bundled with.
const { sdkSchemaKeys } = require('./sdk-schema-keys');

module.exports = [sdkSchemaKeys];
