// The commands a simulated container answers to `kubectl exec` (docs/nodes.md
// "exec and logs"): hostname, cat, env, echo, date, ls, pwd, true, false, and
// `sh -c '<script>'` running those with `;`, `&&`, `||` between them, quotes
// and $VAR expansion as dash (the /bin/sh of Debian images) does. Anything
// else is not found: exit 127 and dash's message. No processes, no pipes, no
// command substitution. Pure: the container's view (files, directories, env,
// time) comes in as a ContainerView.

export interface ContainerView {
  readonly hostname: string;
  /** The environment, in the order `env` prints it. */
  readonly env: readonly (readonly [string, string])[];
  /** File path -> content. */
  readonly files: ReadonlyMap<string, string>;
  /** Directory path -> its entries (names), sorted. */
  readonly directories: ReadonlyMap<string, readonly string[]>;
  /** ms since the epoch. */
  readonly now: number;
}

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Exit code of a command that does not exist (POSIX). */
export const NOT_FOUND_EXIT = 127;

type Builtin = (args: readonly string[], view: ContainerView) => CommandResult;

const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, exitCode: number): CommandResult => ({ stdout: '', stderr, exitCode });

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** coreutils date's default format in a container (TZ unset: UTC): `Mon Nov 23 13:05:55 UTC 2026`. */
export function dateText(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${time} UTC ${d.getUTCFullYear()}`;
}

function normalizePath(path: string): string {
  const absolute = path.startsWith('/') ? path : `/${path}`;
  const trimmed = absolute.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return trimmed;
}

const builtins: Record<string, Builtin> = {
  hostname: (_args, view) => ok(`${view.hostname}\n`),
  pwd: () => ok('/\n'),
  true: () => ok(),
  false: () => fail('', 1),
  date: (_args, view) => ok(`${dateText(view.now)}\n`),
  env: (_args, view) => ok(view.env.map(([k, v]) => `${k}=${v}\n`).join('')),
  echo: (args) => {
    const noNewline = args[0] === '-n';
    const words = noNewline ? args.slice(1) : args;
    return ok(words.join(' ') + (noNewline ? '' : '\n'));
  },
  cat: (args, view) => {
    let stdout = '';
    let stderr = '';
    for (const arg of args) {
      const path = normalizePath(arg);
      const file = view.files.get(path);
      if (file !== undefined) stdout += file;
      else if (view.directories.has(path)) stderr += `cat: ${arg}: Is a directory\n`;
      else stderr += `cat: ${arg}: No such file or directory\n`;
    }
    return { stdout, stderr, exitCode: stderr ? 1 : 0 };
  },
  ls: (args, view) => {
    const paths = args.filter((a) => !a.startsWith('-'));
    const all = args.some((a) => a.startsWith('-') && a.includes('a'));
    const targets = paths.length > 0 ? paths : ['/'];
    let stdout = '';
    let stderr = '';
    let exitCode = 0;
    targets.forEach((arg, i) => {
      const path = normalizePath(arg);
      const entries = view.directories.get(path);
      if (entries) {
        const shown = all ? ['.', '..', ...entries] : entries.filter((e) => !e.startsWith('.'));
        if (targets.length > 1) stdout += `${i > 0 ? '\n' : ''}${arg}:\n`;
        stdout += shown.map((e) => `${e}\n`).join('');
      } else if (view.files.has(path)) {
        stdout += `${arg}\n`;
      } else {
        stderr += `ls: cannot access '${arg}': No such file or directory\n`;
        exitCode = 2;
      }
    });
    return { stdout, stderr, exitCode };
  },
};

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);

/** `/bin/hostname` and `/usr/bin/env` are `hostname` and `env`. */
function commandName(argv0: string): string {
  return /^\/(usr\/)?(local\/)?s?bin\/[^/]+$/.test(argv0) ? argv0.slice(argv0.lastIndexOf('/') + 1) : argv0;
}

/** Runs an exec's argv (what `kubectl exec pod -- <argv>` sends). */
export function runCommand(argv: readonly string[], view: ContainerView): CommandResult {
  if (argv.length === 0) return fail('', NOT_FOUND_EXIT);
  const name = commandName(argv[0]!);
  if (SHELLS.has(name)) return runShell(argv.slice(1), view);
  const builtin = builtins[name];
  // A real runtime refuses to start a missing binary; kubelab answers as a shell would, with 127.
  if (!builtin) return fail(`sh: ${argv[0]}: not found\n`, NOT_FOUND_EXIT);
  return builtin(argv.slice(1), view);
}

function runShell(args: readonly string[], view: ContainerView): CommandResult {
  if (args[0] !== '-c') {
    // `sh` with no script would read commands from stdin: interactive shells are not simulated.
    return fail('sh: interactive shells are not simulated by kubelab; use sh -c \'<command>\'\n', 2);
  }
  if (args.length < 2) return fail('sh: 0: -c requires an argument\n', 2);
  return runScript(args[1]!, view);
}

export type ScriptToken = { readonly word: string } | { readonly operator: ';' | '&&' | '||' };

export class ShellSyntaxError extends Error {}

/** Splits a script into words and operators, with dash's quoting and $VAR / ${VAR} expansion. */
export function tokenize(script: string, env: ReadonlyMap<string, string>): ScriptToken[] {
  const tokens: ScriptToken[] = [];
  let word = '';
  let inWord = false;
  const flush = () => {
    if (inWord) tokens.push({ word });
    word = '';
    inWord = false;
  };
  const expand = (i: number): [string, number] => {
    const rest = script.slice(i + 1);
    if (rest.startsWith('(') || rest.startsWith('((')) throw new ShellSyntaxError('command substitution is not simulated by kubelab');
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (braced) return [env.get(braced[1]!) ?? '', i + 1 + braced[0].length];
    const plain = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?$#])/.exec(rest);
    if (plain) return [plain[1] === '?' ? '0' : plain[1] === '#' ? '0' : (env.get(plain[1]!) ?? ''), i + 1 + plain[0].length];
    return ['$', i + 1];
  };
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('Unterminated quoted string');
      word += script.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= script.length) throw new ShellSyntaxError('Unterminated quoted string');
        const d = script[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < script.length && '$`"\\\n'.includes(script[i + 1]!)) {
          word += script[i + 1];
          i += 2;
        } else if (d === '$') {
          const [value, next] = expand(i);
          word += value;
          i = next;
        } else if (d === '`') {
          throw new ShellSyntaxError('command substitution is not simulated by kubelab');
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\' && i + 1 < script.length) {
      word += script[i + 1];
      inWord = true;
      i += 2;
    } else if (c === '$') {
      const [value, next] = expand(i);
      word += value;
      inWord = true;
      i = next;
    } else if (c === '`') {
      throw new ShellSyntaxError('command substitution is not simulated by kubelab');
    } else if (c === ';' || c === '\n') {
      flush();
      tokens.push({ operator: ';' });
      i++;
    } else if ((c === '&' || c === '|') && script[i + 1] === c) {
      flush();
      tokens.push({ operator: c === '&' ? '&&' : '||' });
      i += 2;
    } else if (c === '|' || c === '&' || c === '<' || c === '>') {
      throw new ShellSyntaxError(`"${c}" (pipes, background jobs and redirections) is not simulated by kubelab`);
    } else if (c === ' ' || c === '\t') {
      flush();
      i++;
    } else if (c === '#' && !inWord) {
      while (i < script.length && script[i] !== '\n') i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  flush();
  return tokens;
}

/** Runs `sh -c <script>`: commands separated by `;`, `&&`, `||`, left to right as sh does. */
export function runScript(script: string, view: ContainerView): CommandResult {
  let tokens: ScriptToken[];
  try {
    tokens = tokenize(script, new Map(view.env));
  } catch (error) {
    if (error instanceof ShellSyntaxError) return fail(`sh: 1: Syntax error: ${error.message}\n`, 2);
    throw error;
  }
  let stdout = '';
  let stderr = '';
  let status = 0;
  let argv: string[] = [];
  let skip = false;
  const finishCommand = () => {
    if (argv.length > 0 && !skip) {
      const name = commandName(argv[0]!);
      const builtin = builtins[name];
      const result = builtin ? builtin(argv.slice(1), view) : fail(`sh: 1: ${argv[0]}: not found\n`, NOT_FOUND_EXIT);
      stdout += result.stdout;
      stderr += result.stderr;
      status = result.exitCode;
    }
    argv = [];
  };
  for (const token of tokens) {
    if ('word' in token) {
      argv.push(token.word);
      continue;
    }
    if (argv.length === 0 && token.operator !== ';') return { stdout, stderr: stderr + `sh: 1: Syntax error: "${token.operator}" unexpected\n`, exitCode: 2 };
    finishCommand();
    // `a && b` runs b only if the last status is 0, `a || b` only if it is not; a skipped command keeps the status.
    skip = token.operator === '&&' ? status !== 0 : token.operator === '||' ? status === 0 : false;
  }
  finishCommand();
  return { stdout, stderr, exitCode: status };
}
