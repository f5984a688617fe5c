/**
 * nest build's webpack options plus one rule: a `.sql` file imported from TypeScript becomes its text, bundled at
 * build time. Migrations apply the database functions beside the executions repository this way, so a build applies
 * exactly the text it was built with (nothing is read from disk at run time). jest does the same with
 * test/support/sql-transform.js.
 */
module.exports = (options) => ({
  ...options,
  module: { ...options.module, rules: [...options.module.rules, { test: /\.sql$/, type: 'asset/source' }] },
});
