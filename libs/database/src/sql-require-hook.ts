// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ts-node checks only what is imported
/// <reference path="../../executions/src/sql/sql-files.d.ts" />
// For the TypeORM CLI under ts-node (data-source.ts): a `.sql` module is its text, as webpack and jest make it.
import { readFileSync } from 'node:fs';

type Loader = (module: { exports: unknown }, filename: string) => void;
const extensions = require.extensions as unknown as Record<string, Loader>;
extensions['.sql'] = (module, filename) => {
  module.exports = { __esModule: true, default: readFileSync(filename, 'utf8') };
};
