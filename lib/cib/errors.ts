/** The typed error of a bad variable: names the source (file, option) and the variable. */
export class CibVarsError extends Error {
  constructor(
    /** Where the vars came from: a file path, `--restore-window`, or `vars`. */
    readonly source: string,
    /** The variable, dotted (`fence.params.node1.ip`); '' for the whole document. */
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${source}: ${key ? `${key}: ` : ''}${problem}`);
    this.name = 'CibVarsError';
  }
}
