/** jest's counterpart of webpack.config.js' asset/source rule: a `.sql` module is its text (default export). */
module.exports = {
  process(sourceText) {
    return { code: `module.exports = { __esModule: true, default: ${JSON.stringify(sourceText)} };` };
  },
};
