/** A `.sql` file imported as its text: webpack's asset/source rule (webpack.config.js), jest's test/support/sql-transform.js. */
declare module '*.sql' {
  const text: string;
  export default text;
}
