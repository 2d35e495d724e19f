/** A problem with an input file that stops it being read: names the file, the place and what to do. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${file}${where ? ` (${where})` : ''}: ${problem}. ${fix}`);
    this.name = 'UserError';
  }
  readonly exitCode = 2;
}
